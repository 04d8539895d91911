import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a judge program to completion or to its deadline: input written, output read, the process reaped.
///
/// posix_spawn rather than Foundation's Process because the program must lead its own process group (so a
/// timeout can kill it together with anything it started) and because one poll loop can feed stdin and
/// drain stdout and stderr at once: a program that never reads its input or writes megabytes cannot make
/// the parent block, and the deadline holds whatever the program does.
struct JudgeProcess: Sendable {
    /// How the run ended.
    enum Termination: Sendable, Equatable {
        case exited(Int32)
        case signaled(Int32)
        case timedOut
        /// The exit status was lost: someone else reaped the child (a host that ignores SIGCHLD does).
        case statusLost
    }

    /// Everything the run produced.
    struct Result: Sendable {
        var termination: Termination
        /// The first `outputLimit` bytes of stdout.
        var stdout: [UInt8]
        /// All stdout bytes, kept or not.
        var stdoutBytes: Int
        /// The first `errorLimit` bytes of stderr.
        var stderr: [UInt8]
        /// Whether the program closed its input before reading all of it.
        var inputRefused: Bool
    }

    /// Why the program could not be started.
    struct SpawnError: Error, Sendable {
        var reason: String
    }

    var executable: String
    var arguments: [String]
    var timeout: Duration
    var outputLimit = 64 * 1024
    var errorLimit = 8 * 1024

    func run(input: [UInt8]) throws(SpawnError) -> Result {
        var inputPair: [Int32] = [-1, -1]
        var outputPair: [Int32] = [-1, -1]
        var errorPair: [Int32] = [-1, -1]
        defer { for fd in inputPair + outputPair + errorPair where fd >= 0 { close(fd) } }
        // Socket pairs rather than pipes: they can be created close-on-exec atomically (pipe2 is not exported to
        // Swift by Glibc), so judges spawned at once never inherit each other's ends and hold them open; and
        // writing to a program that exited without reading can use MSG_NOSIGNAL, giving EPIPE instead of a
        // SIGPIPE that would kill this process.
        guard Self.makeSocketPair(&inputPair), Self.makeSocketPair(&outputPair), Self.makeSocketPair(&errorPair) else {
            throw SpawnError(reason: "cannot create socket pairs: \(String(cString: strerror(errno)))")
        }
        let pid = try spawn(stdin: inputPair[1], stdout: outputPair[1], stderr: errorPair[1])
        // The child's ends belong to the child now; closing ours is what lets its output reach end of file.
        for fd in [inputPair[1], outputPair[1], errorPair[1]] { close(fd) }
        inputPair[1] = -1; outputPair[1] = -1; errorPair[1] = -1
        for fd in [inputPair[0], outputPair[0], errorPair[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var result = Result(termination: .timedOut, stdout: [], stdoutBytes: 0, stderr: [], inputRefused: false)
        var written = 0
        var status: Int32 = 0
        var reaped = false
        var statusLost = false
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var exitTime: ContinuousClock.Instant?
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)

        while true {
            if !reaped {
                let r = waitpid(pid, &status, WNOHANG)
                if r == pid {
                    reaped = true
                    exitTime = clock.now
                } else if r < 0 && errno == ECHILD {
                    reaped = true
                    statusLost = true
                    exitTime = clock.now
                }
            }
            if input.isEmpty || written == input.count, inputPair[0] >= 0 {
                close(inputPair[0]); inputPair[0] = -1
            }
            let open = [inputPair[0], outputPair[0], errorPair[0]].contains { $0 >= 0 }
            if reaped && (outputPair[0] < 0 && errorPair[0] < 0) { break }
            let now = clock.now
            if now >= deadline { break }
            // Output still open after the program exited means something it started in the background holds it;
            // a short grace period, then the rest of the group is killed below.
            if reaped, let exitTime, now - exitTime > .milliseconds(200) { break }
            var fds: [pollfd] = []
            if inputPair[0] >= 0 { fds.append(pollfd(fd: inputPair[0], events: Int16(POLLOUT), revents: 0)) }
            if outputPair[0] >= 0 { fds.append(pollfd(fd: outputPair[0], events: Int16(POLLIN), revents: 0)) }
            if errorPair[0] >= 0 { fds.append(pollfd(fd: errorPair[0], events: Int16(POLLIN), revents: 0)) }
            // Poll in short slices while the child runs: its exit is noticed by waitpid, not by poll.
            let remaining = deadline - now
            let slice = min(remaining, reaped ? .milliseconds(20) : .milliseconds(50))
            let milliseconds = Int32(max(1, (slice.components.seconds * 1000) + slice.components.attoseconds / 1_000_000_000_000_000))
            if open { _ = poll(&fds, nfds_t(fds.count), milliseconds) } else { usleep(UInt32(milliseconds) * 1000) }

            if inputPair[0] >= 0 {
                let sent = input.withUnsafeBytes { bytes in
                    send(inputPair[0], bytes.baseAddress! + written, min(input.count - written, 64 * 1024), Self.noSignal)
                }
                if sent > 0 {
                    written += sent
                } else if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR {
                    // The program closed its input (or exited) without reading all of it: not an error in itself.
                    result.inputRefused = true
                    close(inputPair[0]); inputPair[0] = -1
                }
            }
            drain(&outputPair[0], into: &result.stdout, limit: outputLimit, total: &result.stdoutBytes, buffer: &buffer)
            var errorTotal = 0
            drain(&errorPair[0], into: &result.stderr, limit: errorLimit, total: &errorTotal, buffer: &buffer)
        }

        if !reaped {
            // Past the deadline: kill the whole group (a shell script's children too) and collect the leader.
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            result.termination = .timedOut
        } else {
            if outputPair[0] >= 0 || errorPair[0] >= 0 {
                // The group still exists (its members hold our pipes), so its id cannot have been reused.
                kill(-pid, SIGKILL)
            }
            let signal = status & 0x7f
            result.termination = statusLost ? .statusLost : signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        }
        return result
    }

    /// Reads everything `fd` has now; closes it (and sets it to -1) at end of file or on an error.
    private func drain(_ fd: inout Int32, into kept: inout [UInt8], limit: Int, total: inout Int, buffer: inout [UInt8]) {
        while fd >= 0 {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if count > 0 {
                total += count
                if kept.count < limit { kept.append(contentsOf: buffer[0..<min(count, limit - kept.count)]) }
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                return
            } else if count < 0 && errno == EINTR {
                continue
            } else {
                close(fd)
                fd = -1
            }
        }
    }

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws(SpawnError) -> pid_t {
        #if canImport(Darwin)
        var actions: posix_spawn_file_actions_t? = nil
        var attributes: posix_spawnattr_t? = nil
        #else
        var actions = posix_spawn_file_actions_t()
        var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        // Descriptors this process opened without close-on-exec (a file being written, a database) must not
        // reach the judge: one it kept open for writing is what makes exec fail with "Text file busy".
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }
        // Its own process group, an empty signal mask and default SIGPIPE handling, whatever this process uses.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) }
        let environment = ProcessInfo.processInfo.environment.map { strdup("\($0.key)=\($0.value)") }
        defer { for pointer in argv + environment { free(pointer) } }
        var pid: pid_t = 0
        var code = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environment + [nil])
        // ETXTBSY: another thread's child, between its fork and its exec, still holds a descriptor that writes
        // the program (a script just written, say). That lasts microseconds; wait it out briefly.
        var attempt = 0
        while code == ETXTBSY && attempt < 8 {
            attempt += 1
            usleep(UInt32(5_000 << attempt))
            code = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], environment + [nil])
        }
        guard code == 0 else {
            throw SpawnError(reason: "cannot start \(executable): \(String(cString: strerror(code)))")
        }
        return pid
    }

    #if canImport(Darwin)
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t?>, Int32) -> Int32)? = nil
    #else
    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), looked up at run time because the
    /// Glibc module does not declare GNU extensions; nil on an older C library.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()
    #endif

    #if canImport(Darwin)
    private static let noSignal: Int32 = 0
    #else
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #endif

    /// A connected pair of sockets, both closed on exec.
    private static func makeSocketPair(_ fds: inout [Int32]) -> Bool {
        #if canImport(Darwin)
        guard socketpair(AF_UNIX, SOCK_STREAM, 0, &fds) == 0 else { return false }
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        return true
        #else
        return socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0
        #endif
    }
}
