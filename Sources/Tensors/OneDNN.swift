import CDNNL
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// oneDNN's matmul primitive (Debian's libdnnl 2.6): the second matrix-product backend beside OpenBLAS.
///
/// A primitive is created once per shape, transposes, strides, α, β, data types and thread count, and kept in a
/// cache shared by all threads. Each call brings its own scratchpad (the primitives are created in the user
/// scratchpad mode), so one primitive may run on several threads at once.
///
/// oneDNN chooses its code from CPUID when it loads; `OPENBLAS_CORETYPE` does not bind it. Debian builds it on
/// OpenMP (libgomp), whose thread count is a per-thread setting. A product large enough to split is cut into
/// blocks across `WorkerPool` (as OpenBLAS's are), each block on one OpenMP thread; a smaller one runs on
/// `BLAS.threads` OpenMP threads. qlab's one thread setting thus governs both backends.
public enum OneDNN {
    /// Element types of a product's inputs. The output is always float32 (float32 accumulation).
    public enum ElementType: String, Sendable, Hashable {
        case f32
        case bf16

        var dnnl: dnnl_data_type_t { self == .f32 ? dnnl_f32 : dnnl_bf16 }
    }

    /// Why a product could not be set up.
    public struct Unsupported: Error, CustomStringConvertible {
        public var description: String
    }

    /// "2.6.3" (the library as loaded).
    public static var version: String {
        guard let v = dnnl_version() else { return "unknown" }
        return "\(v.pointee.major).\(v.pointee.minor).\(v.pointee.patch)"
    }

    /// The instruction set oneDNN dispatches to on this processor (its own CPUID reading).
    public static var isa: String {
        let value = dnnl_get_effective_cpu_isa()
        let names: [(dnnl_cpu_isa_t, String)] = [
            (dnnl_cpu_isa_avx512_core_amx, "avx512_core_amx"), (dnnl_cpu_isa_avx512_core_bf16, "avx512_core_bf16"),
            (dnnl_cpu_isa_avx512_core_vnni, "avx512_core_vnni"), (dnnl_cpu_isa_avx512_core, "avx512_core"),
            (dnnl_cpu_isa_avx2_vnni, "avx2_vnni"), (dnnl_cpu_isa_avx2, "avx2"), (dnnl_cpu_isa_avx, "avx"),
            (dnnl_cpu_isa_sse41, "sse41"),
        ]
        return names.first { $0.0 == value }?.1 ?? "isa 0x\(String(value.rawValue, radix: 16))"
    }

    /// Whether oneDNN has bfloat16 arithmetic in hardware here (AVX512_BF16 or AMX). Without it oneDNN 2.6 offers
    /// no bfloat16 matmul on the CPU, and qlab's bf16 compute emulates it on the float32 product.
    public static var hasNativeBF16: Bool {
        let value = dnnl_get_effective_cpu_isa().rawValue
        return value & dnnl_cpu_isa_avx512_core_bf16.rawValue == dnnl_cpu_isa_avx512_core_bf16.rawValue
            || value & dnnl_cpu_isa_avx512_core_amx.rawValue == dnnl_cpu_isa_avx512_core_amx.rawValue
    }

    /// Row-major `C = α · op(A) · op(B) + β · C` in float32, with `BLAS.sgemm`'s arguments. oneDNN's float32
    /// matmul exists on every x86-64 processor, so a failure to set it up is a broken installation.
    public static func sgemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float = 0,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        do {
            try matmul(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                       a: UnsafeRawPointer(a), aType: .f32, lda: lda, b: UnsafeRawPointer(b), bType: .f32, ldb: ldb,
                       beta: beta, c: c, ldc: ldc)
        } catch {
            fatalError("oneDNN float32 matmul: \(error)")
        }
    }

    /// Row-major `C = α · op(A) · op(B) + β · C` with A and B of the given element types (bfloat16 as its raw
    /// 16 bits), C in float32. Throws `Unsupported` when oneDNN has no implementation here (bfloat16 without
    /// hardware support).
    public static func matmul(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafeRawPointer, aType: ElementType, lda: Int, b: UnsafeRawPointer, bType: ElementType, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) throws {
        if m == 0 || n == 0 { return }
        precondition(k > 0, "oneDNN matmul: k = 0 (an empty product) is not sent to oneDNN")
        // Split across `WorkerPool` as OpenBLAS's products are (`BLAS.openblasSgemm`), each block on one OpenMP
        // thread: OpenMP's own threads would otherwise spin beside the pool's.
        let threads = max(1, BLAS.threads)
        let rows = n <= m, extent = rows ? m : n
        let parts = BLAS.splitParts(extent, work: m * n * k)
        if parts <= 1 {
            return try block(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a,
                             aType: aType, lda: lda, b: b, bType: bType, ldb: ldb, beta: beta, c: c, ldc: ldc,
                             threads: threads)
        }
        let failure = Mutex<(any Error)?>(nil)
        let aSize = aType == .f32 ? 4 : 2, bSize = bType == .f32 ? 4 : 2
        WorkerPool.shared.run(parts: parts) { part in
            let range = BLAS.splitRange(extent, part: part, of: parts)
            if range.isEmpty { return }
            let lo = range.lowerBound
            do {
                if rows {
                    try block(transposeA: transposeA, transposeB: transposeB, m: range.count, n: n, k: k, alpha: alpha,
                              a: a + (transposeA ? lo : lo * lda) * aSize, aType: aType, lda: lda, b: b, bType: bType,
                              ldb: ldb, beta: beta, c: c + lo * ldc, ldc: ldc, threads: 1)
                } else {
                    try block(transposeA: transposeA, transposeB: transposeB, m: m, n: range.count, k: k, alpha: alpha,
                              a: a, aType: aType, lda: lda, b: b + (transposeB ? lo * ldb : lo) * bSize, bType: bType,
                              ldb: ldb, beta: beta, c: c + lo, ldc: ldc, threads: 1)
                }
            } catch {
                failure.withLock { if $0 == nil { $0 = error } }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// One product (or block of one) on `threads` OpenMP threads.
    static func block(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafeRawPointer, aType: ElementType, lda: Int, b: UnsafeRawPointer, bType: ElementType, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int, threads: Int
    ) throws {
        Threads.set(threads)
        let key = PrimitiveKey(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, lda: lda, ldb: ldb,
                               ldc: ldc, alpha: alpha.bitPattern, beta: beta.bitPattern, aType: aType, bType: bType,
                               threads: threads)
        let primitive = try cache.primitive(for: key)
        try primitive.execute(a: a, b: b, c: c)
    }

    /// The implementation oneDNN picked for a float32 product of this shape (e.g. "brg:avx2"), for reports.
    public static func implementation(m: Int, n: Int, k: Int, type: ElementType = .f32) -> String? {
        let key = PrimitiveKey(transposeA: false, transposeB: false, m: m, n: n, k: k, lda: k, ldb: n, ldc: n,
                               alpha: Float(1).bitPattern, beta: Float(0).bitPattern, aType: type, bType: type,
                               threads: max(1, BLAS.threads))
        Threads.set(key.threads)
        return try? cache.primitive(for: key).implementation
    }

    /// Products of fewer multiply-adds (m·n·k) than this go to OpenBLAS under the oneDNN backend (see
    /// `MatmulBackend.sgemm`): 2²⁵ by default, below every frozen projection of a 1,024-token step and above
    /// attention's per-head products and the LoRA branches. `QLAB_ONEDNN_MIN_PRODUCT` sets it (0: every product to
    /// oneDNN, as the test suite can be run).
    public static let smallestProduct: Int = {
        if let text = ProcessInfo.processInfo.environment["QLAB_ONEDNN_MIN_PRODUCT"], let value = Int(text), value >= 0 {
            return value
        }
        return 1 << 25
    }()

    /// Primitives in the cache now (for tests).
    public static var cachedPrimitives: Int { cache.count }

    // MARK: - Internals

    struct PrimitiveKey: Hashable {
        var transposeA: Bool, transposeB: Bool
        var m: Int, n: Int, k: Int, lda: Int, ldb: Int, ldc: Int
        var alpha: UInt32, beta: UInt32
        var aType: ElementType, bType: ElementType
        var threads: Int
    }

    /// The CPU engine, created once; engines may be shared between threads.
    nonisolated(unsafe) static let engine: dnnl_engine_t = {
        var engine: dnnl_engine_t?
        let status = dnnl_engine_create(&engine, dnnl_cpu, 0)
        guard status == dnnl_success, let engine else { fatalError("oneDNN: cannot create the CPU engine (status \(status.rawValue))") }
        return engine
    }()

    static let cache = PrimitiveCache()

    /// OpenMP's per-thread thread count, found at run time in the libgomp that libdnnl loads (qlab does not
    /// link OpenMP itself).
    enum Threads {
        typealias Get = @convention(c) () -> Int32
        typealias Set = @convention(c) (Int32) -> Void
        static let functions: (Get, Set)? = {
            guard let get = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_get_max_threads"),
                  let set = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "omp_set_num_threads") else { return nil }
            return (unsafeBitCast(get, to: Get.self), unsafeBitCast(set, to: Set.self))
        }()

        static func set(_ count: Int) {
            guard let functions else { return }
            if Int(functions.0()) != count { functions.1(Int32(count)) }
        }
    }

    /// One matmul primitive with the memory descriptors of its arguments.
    final class Primitive: @unchecked Sendable {
        let primitive: dnnl_primitive_t
        var source: dnnl_memory_desc_t, weights: dnnl_memory_desc_t, destination: dnnl_memory_desc_t
        var scratchpad: dnnl_memory_desc_t
        let scratchpadBytes: Int
        let implementation: String

        /// A 2-D memory descriptor of `rows`×`columns` elements at the given strides.
        static func matrix(_ rows: Int, _ columns: Int, strides: (Int, Int), type: dnnl_data_type_t) -> (dnnl_memory_desc_t, dnnl_status_t) {
            var md = dnnl_memory_desc_t()
            var dims = [Int64](repeating: 0, count: Int(DNNL_MAX_NDIMS)), steps = dims
            dims[0] = Int64(rows)
            dims[1] = Int64(columns)
            steps[0] = Int64(strides.0)
            steps[1] = Int64(strides.1)
            let status = dnnl_memory_desc_init_by_strides(&md, 2, dims, type, steps)
            return (md, status)
        }

        init(_ key: PrimitiveKey) throws {
            func check(_ status: dnnl_status_t, _ what: String) throws {
                guard status == dnnl_success else {
                    throw Unsupported(description: "\(what) failed (oneDNN status \(status.rawValue)) for \(key.m)×\(key.n)×\(key.k) \(key.aType.rawValue)·\(key.bType.rawValue)")
                }
            }
            // A is m×k: stored m×k with row stride lda, or k×m (transposed) with row stride lda; B likewise k×n.
            var (source, s1) = Self.matrix(key.m, key.k, strides: key.transposeA ? (1, key.lda) : (key.lda, 1), type: key.aType.dnnl)
            try check(s1, "source descriptor")
            var (weights, s2) = Self.matrix(key.k, key.n, strides: key.transposeB ? (1, key.ldb) : (key.ldb, 1), type: key.bType.dnnl)
            try check(s2, "weights descriptor")
            var (destination, s3) = Self.matrix(key.m, key.n, strides: (key.ldc, 1), type: dnnl_f32)
            try check(s3, "destination descriptor")

            var description = dnnl_matmul_desc_t()
            try check(dnnl_matmul_desc_init(&description, &source, &weights, nil, &destination), "matmul descriptor")

            var attributes: dnnl_primitive_attr_t?
            try check(dnnl_primitive_attr_create(&attributes), "attributes")
            defer { dnnl_primitive_attr_destroy(attributes) }
            try check(dnnl_primitive_attr_set_scratchpad_mode(attributes, dnnl_scratchpad_mode_user), "scratchpad mode")
            let alpha = Float(bitPattern: key.alpha), beta = Float(bitPattern: key.beta)
            if alpha != 1 {
                var scale = alpha
                try check(dnnl_primitive_attr_set_output_scales(attributes, 1, 0, &scale), "output scale α")
            }
            if beta != 0 {
                // β·C: the sum post-op adds `beta` times the destination's previous value.
                var postOps: dnnl_post_ops_t?
                try check(dnnl_post_ops_create(&postOps), "post-ops")
                defer { dnnl_post_ops_destroy(postOps) }
                try check(dnnl_post_ops_append_sum(postOps, beta), "sum post-op β")
                try check(dnnl_primitive_attr_set_post_ops(attributes, postOps), "post-ops")
            }

            var descriptor: dnnl_primitive_desc_t?
            try check(dnnl_primitive_desc_create(&descriptor, &description, attributes, OneDNN.engine, nil),
                      "matmul primitive descriptor")
            defer { dnnl_primitive_desc_destroy(descriptor) }
            var info: UnsafePointer<CChar>?
            var name = "unknown"
            if dnnl_primitive_desc_query(descriptor, dnnl_query_impl_info_str, 0, &info) == dnnl_success, let info {
                name = String(cString: info)
            }
            var scratch = dnnl_memory_desc_t(), bytes = 0
            if let md = dnnl_primitive_desc_query_md(descriptor, dnnl_query_scratchpad_md, 0) {
                scratch = md.pointee
                bytes = Int(dnnl_memory_desc_get_size(md))
            }
            var created: dnnl_primitive_t?
            try check(dnnl_primitive_create(&created, descriptor), "matmul primitive")
            guard let created else { throw Unsupported(description: "oneDNN returned no primitive") }
            self.primitive = created
            self.source = source
            self.weights = weights
            self.destination = destination
            self.scratchpad = scratch
            self.scratchpadBytes = bytes
            self.implementation = name
        }

        deinit { dnnl_primitive_destroy(primitive) }

        /// Runs the product on the calling thread's stream, with a scratchpad of its own.
        func execute(a: UnsafeRawPointer, b: UnsafeRawPointer, c: UnsafeMutablePointer<Float>) throws {
            func check(_ status: dnnl_status_t, _ what: String) throws {
                guard status == dnnl_success else { throw Unsupported(description: "\(what) failed (oneDNN status \(status.rawValue))") }
            }
            var stream: dnnl_stream_t?
            try check(dnnl_stream_create(&stream, OneDNN.engine, UInt32(dnnl_stream_default_flags.rawValue)), "stream")
            defer { dnnl_stream_destroy(stream) }
            var memories: [dnnl_memory_t?] = []
            defer { for memory in memories { dnnl_memory_destroy(memory) } }
            func memory(_ md: inout dnnl_memory_desc_t, _ pointer: UnsafeMutableRawPointer) throws -> dnnl_memory_t? {
                var memory: dnnl_memory_t?
                try check(dnnl_memory_create(&memory, &md, OneDNN.engine, pointer), "memory object")
                memories.append(memory)
                return memory
            }
            let scratch = scratchpadBytes > 0 ? UnsafeMutableRawPointer.allocate(byteCount: scratchpadBytes, alignment: 64) : nil
            defer { scratch?.deallocate() }
            var arguments = [
                dnnl_exec_arg_t(arg: DNNL_ARG_SRC, memory: try memory(&source, UnsafeMutableRawPointer(mutating: a))),
                dnnl_exec_arg_t(arg: DNNL_ARG_WEIGHTS, memory: try memory(&weights, UnsafeMutableRawPointer(mutating: b))),
                dnnl_exec_arg_t(arg: DNNL_ARG_DST, memory: try memory(&destination, UnsafeMutableRawPointer(c))),
            ]
            if let scratch {
                arguments.append(dnnl_exec_arg_t(arg: DNNL_ARG_SCRATCHPAD, memory: try memory(&scratchpad, scratch)))
            }
            try check(dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments), "matmul execution")
            try check(dnnl_stream_wait(stream), "stream wait")
        }
    }

    /// Primitives by key, shared by all threads. Bounded: past `limit` entries (a long evaluation over many
    /// sequence lengths) the cache starts over; a primitive in use stays alive with its caller's reference.
    final class PrimitiveCache: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [PrimitiveKey: Primitive] = [:]
        let limit = 2_048

        var count: Int {
            lock.lock()
            defer { lock.unlock() }
            return entries.count
        }

        func contains(_ key: PrimitiveKey) -> Bool {
            lock.lock()
            defer { lock.unlock() }
            return entries[key] != nil
        }

        func primitive(for key: PrimitiveKey) throws -> Primitive {
            lock.lock()
            if let found = entries[key] {
                lock.unlock()
                return found
            }
            lock.unlock()
            // Created outside the lock (it compiles code); two threads racing on one key both create, one is kept.
            let created = try Primitive(key)
            lock.lock()
            defer { lock.unlock() }
            if let found = entries[key] { return found }
            if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
            entries[key] = created
            return created
        }
    }
}
