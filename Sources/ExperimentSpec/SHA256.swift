import Crypto

/// SHA-256, incremental: cell ids and file hashes. A thin layer over swift-crypto, which uses the processor's SHA
/// instructions where it has them, keeping the call sites' byte-array interface.
// swift-crypto 3 does not mark its hash Sendable; it is a value type with no shared state.
public struct SHA256: @unchecked Sendable {
    private var hasher = Crypto.SHA256()

    /// A fresh hash of the empty message.
    public init() {}

    /// Hashes `bytes` in one call.
    public static func hash(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// The lowercase hexadecimal digest of `bytes`.
    public static func hexDigest(_ bytes: some Sequence<UInt8>) -> String {
        hex(hash(bytes))
    }

    /// Lowercase hexadecimal of a digest.
    public static func hex(_ digest: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(digest.count * 2)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Adds `bytes` to the message.
    public mutating func update(_ bytes: some Sequence<UInt8>) {
        let array = Array(bytes)
        array.withUnsafeBytes { hasher.update(bufferPointer: $0) }
    }

    /// Adds the bytes of `buffer` to the message.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
    }

    /// The 32-byte digest of everything added.
    public mutating func finalize() -> [UInt8] {
        Array(hasher.finalize())
    }
}
