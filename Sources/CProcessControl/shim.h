#ifdef __linux__
#include <sys/prctl.h>
#include <signal.h>
#endif

// prctl is variadic, which Swift cannot call. Asks the kernel to send `signal` to this process when the
// thread that started it ends; returns 0, or -1 where the system has no such request.
static inline int qlab_set_parent_death_signal(int signal) {
#ifdef __linux__
    return prctl(PR_SET_PDEATHSIG, signal);
#else
    (void)signal;
    return -1;
#endif
}
