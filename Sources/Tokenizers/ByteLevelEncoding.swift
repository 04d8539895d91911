/// GPT-2's reversible map between bytes and printable Unicode characters, which byte-level BPE vocabularies
/// are written in (a space is `Ġ`, a newline `Ċ`).
public enum ByteLevelEncoding {
    /// The character that stands for each byte, indexed by the byte.
    public static let characterForByte: [Character] = {
        // Printable Latin-1 bytes stand for themselves; the rest (controls, space, soft hyphen, ...) are moved
        // to U+0100 and up, in byte order, so that every vocabulary entry is visible text.
        var result = [Character](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            let scalar = printable ? UInt32(byte) : { defer { next += 1 }; return next }()
            result[byte] = Character(Unicode.Scalar(scalar)!)
        }
        return result
    }()

    /// The byte each mapped character stands for.
    public static let byteForCharacter: [Character: UInt8] = {
        var result: [Character: UInt8] = [:]
        for (byte, character) in characterForByte.enumerated() { result[character] = UInt8(byte) }
        return result
    }()

    /// The vocabulary spelling of raw bytes.
    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        String(bytes.map { characterForByte[Int($0)] })
    }

    /// The raw bytes a vocabulary spelling stands for, or nil when a character is outside the map
    /// (an added token written as plain text, for instance).
    public static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for character in token {
            guard let byte = byteForCharacter[character] else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
