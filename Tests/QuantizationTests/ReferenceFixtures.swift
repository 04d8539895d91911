import Foundation
import Tensors

/// The committed bitsandbytes reference outputs under `Tests/Fixtures/qlora-reference/nf4/`.
enum ReferenceFixtures {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/qlora-reference/nf4")

    /// The 4-bit cases, one file each.
    static let fourBitCases = [
        "normal_4096", "weight_96x200", "partial_1000", "outliers_3000", "zero_block_128", "uniform_70000",
    ]

    static func file(_ name: String) throws -> SafeTensorsFile {
        try SafeTensorsFile(path: directory.appendingPathComponent("\(name).safetensors").path)
    }
}
