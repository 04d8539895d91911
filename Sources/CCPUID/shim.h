// The processor's own answer to "which vector instructions can I run": CPUID leaves and the XCR0 register.
// Header-only so that no C target is needed; on other architectures every query answers "no".
#ifndef QLAB_CPUID_SHIM_H
#define QLAB_CPUID_SHIM_H

#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

/// Registers of CPUID(leaf, subleaf) in out[0..3] = eax, ebx, ecx, edx; returns 0 when the leaf is beyond the
/// processor's maximum.
static inline int qlab_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    unsigned int a = 0, b = 0, c = 0, d = 0;
    if (!__get_cpuid_count(leaf, subleaf, &a, &b, &c, &d)) { out[0] = out[1] = out[2] = out[3] = 0; return 0; }
    out[0] = a; out[1] = b; out[2] = c; out[3] = d;
    return 1;
}

/// XCR0: which register states the operating system saves (AVX needs bits 1-2, AVX-512 bits 5-7).
/// Only call when CPUID.1:ECX.OSXSAVE is set.
static inline uint64_t qlab_xgetbv0(void) {
    uint32_t lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}
#else
static inline int qlab_cpuid(uint32_t leaf, uint32_t subleaf, uint32_t out[4]) {
    (void)leaf; (void)subleaf; out[0] = out[1] = out[2] = out[3] = 0; return 0;
}
static inline uint64_t qlab_xgetbv0(void) { return 0; }
#endif

#endif
