import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One run of another program (gnuplot, a judge, a Slurm command, git): its input given, its stdout and stderr
/// read at the same time until both end, so that a program filling one pipe while this process waits on the
/// other cannot stall either side; killed when it outlives `timeout`.
///
/// posix_spawn and one poll loop rather than Foundation's Process: the program can lead its own process group (so
/// a timeout kills it together with anything it started), the input is fed while both outputs are drained, and
/// the calling thread does all of it, so any thread may call it (a task on the concurrency pool too: an async
/// process library awaited from there deadlocks once every pool thread is blocked in such a call).
public struct ExternalProgram: Sendable {
    /// How a run ended.
    public enum Termination: Sendable, Equatable {
        /// Exited by itself with this status.
        case exited(Int32)
        /// Killed by this signal (not by the timeout).
        case signaled(Int32)
        /// Still running at the deadline, and killed.
        case timedOut
        /// Ended, but its status was lost: someone else reaped it (a host that ignores SIGCHLD does).
        case statusLost
    }

    /// What a run produced.
    public struct Result: Sendable {
        /// How it ended.
        public var termination: Termination
        /// The first `outputLimit` bytes of stdout.
        public var stdout: [UInt8]
        /// How many bytes it wrote to stdout, kept or not.
        public var stdoutBytes: Int
        /// The first `errorLimit` bytes of stderr.
        public var stderr: [UInt8]
        /// How many bytes it wrote to stderr, kept or not.
        public var stderrBytes: Int

        /// Stdout as text (what was kept of it).
        public var output: String { String(decoding: stdout, as: UTF8.self) }
        /// Stderr as text (what was kept of it).
        public var errorOutput: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// The program's path (see `ProgramSearch` for finding one by name).
    public var executable: String
    /// Arguments after the program name.
    public var arguments: [String]
    /// Variables set (or, with nil, removed) on top of this process's environment.
    public var environment: [String: String?] = [:]
    /// The folder it runs in; nil is this process's.
    public var workingDirectory: String?
    /// What it reads on stdin; empty is an empty stdin.
    public var input: [UInt8] = []
    /// How long it may run; nil is no limit.
    public var timeout: Duration?
    /// Stdout bytes kept; the rest is read and counted.
    public var outputLimit = 16 * 1024 * 1024
    /// Stderr bytes kept; the rest is read and counted.
    public var errorLimit = 1024 * 1024
    /// Whether it leads a process group of its own, so that the timeout kills everything it started too, as well
    /// as anything it left in the background still holding its output 200 ms after it exited (the run ends then
    /// either way). Without one it shares this process's group (a terminal's Ctrl-C reaches it), and past the
    /// timeout only the program itself is killed.
    public var ownProcessGroup = true

    /// A run of `executable` with `arguments`; the other settings are properties.
    public init(_ executable: String, _ arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }

    /// The program could not be started at all.
    public struct LaunchError: Error, CustomStringConvertible, Sendable {
        /// The program's path.
        public var executable: String
        /// Why, in the system's words.
        public var reason: String
        /// The system's error number, when there is one.
        public var code: Int32?

        public var description: String { "cannot start \(executable): \(reason)" }
    }

    /// Runs the program to its end (or its deadline) and returns what it did.
    public func run() throws(LaunchError) -> Result {
        Diagnostics.debug("running \(([executable] + arguments).map(Self.quoted).joined(separator: " "))"
                          + (workingDirectory.map { " in \($0)" } ?? ""))
        var inputPair: [Int32] = [-1, -1]
        var outputPair: [Int32] = [-1, -1]
        var errorPair: [Int32] = [-1, -1]
        defer { for fd in inputPair + outputPair + errorPair where fd >= 0 { close(fd) } }
        // Socket pairs rather than pipes: they can be created close-on-exec atomically (pipe2 is not exported to
        // Swift by Glibc), so programs started at once never inherit each other's ends and hold them open; and
        // writing to a program that exited without reading can use MSG_NOSIGNAL, giving EPIPE instead of a
        // SIGPIPE that would kill this process.
        guard Self.makeSocketPair(&inputPair), Self.makeSocketPair(&outputPair), Self.makeSocketPair(&errorPair) else {
            throw launchError("cannot create socket pairs: \(String(cString: strerror(errno)))", code: errno)
        }
        let pid = try spawn(stdin: inputPair[1], stdout: outputPair[1], stderr: errorPair[1])
        // The child's ends belong to the child now; closing ours is what lets its output reach end of file.
        for fd in [inputPair[1], outputPair[1], errorPair[1]] { close(fd) }
        inputPair[1] = -1; outputPair[1] = -1; errorPair[1] = -1
        for fd in [inputPair[0], outputPair[0], errorPair[0]] { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }

        var result = Result(termination: .timedOut, stdout: [], stdoutBytes: 0, stderr: [], stderrBytes: 0)
        var written = 0
        var status: Int32 = 0
        var reaped = false
        var statusLost = false
        let clock = ContinuousClock()
        let deadline = timeout.map { clock.now.advanced(by: $0) }
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
            if let deadline, now >= deadline { break }
            // Output still open after the program exited means something it started in the background holds it;
            // a short grace period, then the rest of the group is killed below.
            if reaped, let exitTime, now - exitTime > .milliseconds(200) { break }
            var fds: [pollfd] = []
            if inputPair[0] >= 0 { fds.append(pollfd(fd: inputPair[0], events: Int16(POLLOUT), revents: 0)) }
            if outputPair[0] >= 0 { fds.append(pollfd(fd: outputPair[0], events: Int16(POLLIN), revents: 0)) }
            if errorPair[0] >= 0 { fds.append(pollfd(fd: errorPair[0], events: Int16(POLLIN), revents: 0)) }
            // Poll in short slices while the child runs: its exit is noticed by waitpid, not by poll.
            var slice: Duration = reaped ? .milliseconds(20) : .milliseconds(50)
            if let deadline { slice = min(slice, deadline - now) }
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
                    close(inputPair[0]); inputPair[0] = -1
                }
            }
            Self.drain(&outputPair[0], into: &result.stdout, limit: outputLimit, total: &result.stdoutBytes, buffer: &buffer)
            Self.drain(&errorPair[0], into: &result.stderr, limit: errorLimit, total: &result.stderrBytes, buffer: &buffer)
        }

        if !reaped {
            // Past the deadline: kill it (with its group, a shell script's children too) and collect it.
            Diagnostics.debug("\(executable) outlived its \(timeout.map { "\($0)" } ?? "time") and is killed")
            kill(ownProcessGroup ? -pid : pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            result.termination = .timedOut
        } else {
            if ownProcessGroup && (outputPair[0] >= 0 || errorPair[0] >= 0) {
                // The group still exists (its members hold our sockets), so its id cannot have been reused.
                kill(-pid, SIGKILL)
            }
            let signal = status & 0x7f
            result.termination = statusLost ? .statusLost : signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
        }
        return result
    }

    private func launchError(_ reason: String, code: Int32?) -> LaunchError {
        LaunchError(executable: executable, reason: reason, code: code)
    }

    /// Reads everything `fd` has now; closes it (and sets it to -1) at end of file or on an error.
    private static func drain(_ fd: inout Int32, into kept: inout [UInt8], limit: Int, total: inout Int, buffer: inout [UInt8]) {
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

    private func spawn(stdin: Int32, stdout: Int32, stderr: Int32) throws(LaunchError) -> pid_t {
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
        // reach the program: one it kept open for writing is what makes exec fail with "Text file busy".
        if let closeFrom = Self.closeFrom { _ = closeFrom(&actions, 3) }
        if let workingDirectory {
            guard let changeDirectory = Self.changeDirectory else {
                throw launchError("this C library cannot start a program in another folder (\(workingDirectory))", code: nil)
            }
            _ = changeDirectory(&actions, workingDirectory)
        }
        // An empty signal mask and default SIGPIPE handling, whatever this process uses; its own group if asked.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownProcessGroup {
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        var variables = ProcessInfo.processInfo.environment
        for (name, value) in environment { variables[name] = value }
        let argv = ([executable] + arguments).map { strdup($0) }
        let envp = variables.map { strdup("\($0.key)=\($0.value)") }
        defer { for pointer in argv + envp { free(pointer) } }
        var pid: pid_t = 0
        var code = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        // ETXTBSY: another thread's child, between its fork and its exec, still holds a descriptor that writes
        // the program (a script just written, say). That lasts microseconds; wait it out briefly.
        var attempt = 0
        while code == ETXTBSY && attempt < 8 {
            attempt += 1
            usleep(UInt32(5_000 << attempt))
            code = posix_spawn(&pid, executable, &actions, &attributes, argv + [nil], envp + [nil])
        }
        guard code == 0 else { throw launchError(String(cString: strerror(code)), code: code) }
        return pid
    }

    #if canImport(Darwin)
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t?>, Int32) -> Int32)? = nil
    private static let changeDirectory: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t?>, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: -2), "posix_spawn_file_actions_addchdir_np") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t?>, UnsafePointer<CChar>) -> Int32).self)
    }()
    #else
    /// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), looked up at run time because the
    /// Glibc module does not declare GNU extensions; nil on an older C library.
    private static let closeFrom: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()
    /// glibc's posix_spawn_file_actions_addchdir_np (2.29 and later), looked up the same way.
    private static let changeDirectory: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np") else {
            return nil
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32).self)
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

    /// `word` as a shell would need it written, for the diagnostic line.
    static func quoted(_ word: String) -> String {
        let plain = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,+@%".contains($0) }
        return plain && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
