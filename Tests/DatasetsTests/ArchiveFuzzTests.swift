import Foundation
import Tensors
import Testing
@testable import Datasets

/// A small valid wheel mutated thousands of times with a fixed seed (bytes flipped, size and offset fields
/// rewritten, runs of 0xFF, truncations): reading it must end in a value or a thrown `DataError`, never a crash,
/// a hang or an allocation sized by a lie, and preparing from it writes nothing outside its output folder.
struct ArchiveFuzzTests {
    static let english = """
        categories:
        - AI
        conversations:
        - - What is AI?
          - Artificial Intelligence is the branch of engineering.
        - - Are you sentient?
          - Sort of.
          - By whose definition?

        """
    static let chinese = """
        categories:
        - 问候
        conversations:
        - - 你好
          - 你好！

        """

    static func wheel() -> [UInt8] {
        var zip = CraftedZip()
        zip.deflate("chatterbot_corpus/data/english/ai.yml", Array(english.utf8))
        zip.store("chatterbot_corpus/data/chinese/greetings.yml", Array(chinese.utf8))
        zip.deflate("chatterbot_corpus/data/english/../../../../escape.yml", Array(english.utf8))
        zip.deflate("chatterbot_corpus-1.3.3.dist-info/LICENSE", [UInt8](repeating: 0x20, count: 600) + Array("BSD".utf8))
        return zip.bytes
    }

    /// One mutation of `bytes`, chosen and placed by `rng`.
    static func mutate(_ bytes: [UInt8], using rng: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        switch Int.random(in: 0..<4, using: &rng) {
        case 0:
            for _ in 0..<Int.random(in: 1...4, using: &rng) {
                out[Int.random(in: 0..<out.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
            }
        case 1:
            // A 16- or 32-bit field (sizes, counts, offsets, lengths) set to a value that tends to break readers.
            let values: [UInt32] = [0, 1, 0xFFFF, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, UInt32(bytes.count), UInt32.random(in: 0...UInt32.max, using: &rng)]
            let value = values[Int.random(in: 0..<values.count, using: &rng)]
            let width = Bool.random(using: &rng) ? 2 : 4
            let at = Int.random(in: 0...(out.count - width), using: &rng)
            for i in 0..<width { out[at + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        case 2:
            let at = Int.random(in: 0..<out.count, using: &rng)
            for i in at..<min(out.count, at + Int.random(in: 1...8, using: &rng)) { out[i] = 0xFF }
        default:
            out = Array(out.prefix(Int.random(in: 0..<out.count, using: &rng)))
        }
        return out
    }

    /// Every file under `folder`, relative to it.
    static func files(under folder: URL) -> [String] {
        let enumerator = FileManager.default.enumerator(atPath: folder.path)
        var found: [String] = []
        while let next = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder.path + "/" + next, isDirectory: &isDirectory), !isDirectory.boolValue {
                found.append(next)
            }
        }
        return found.sorted()
    }

    @Test func mutatedWheelsAreReadOrRefusedWithoutCrashingOrWritingOutside() throws {
        let scratch = try DataTestPaths.temporaryDirectory()
        let downloads = scratch.appendingPathComponent("downloads"), output = scratch.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let wheelPath = downloads.appendingPathComponent("chatterbot_corpus-1.3.3-py2.py3-none-any.whl").path
        let checkoutBefore = try FileManager.default.contentsOfDirectory(atPath: DataTestPaths.packageRoot.path).sorted()

        let base = Self.wheel()
        var pristine = try DatasetZipArchive(bytes: base, path: "t.whl")
        for entry in pristine.entries { _ = try pristine.contents(of: entry) }

        // Small limits, so that a lie which passes every other check still meets one.
        let limits = DatasetZipArchive.Limits(archiveBytes: 1 << 20, memberBytes: 64 << 10, totalBytes: 128 << 10)
        let preparer = DatasetPreparer(downloads: downloads.path, fortunes: scratch.appendingPathComponent("none").path, output: output.path)
        var rng = SeededGenerator(seed: 20_250_728)
        var unopened = 0, membersRead = 0, membersRefused = 0, prepared = 0, preparationsRefused = 0
        for round in 0..<6000 {
            let bytes = Self.mutate(base, using: &rng)
            do {
                var archive = try DatasetZipArchive(bytes: bytes, path: "fuzz-\(round).whl", limits: limits)
                for entry in archive.entries {
                    do {
                        let contents = try archive.contents(of: entry)
                        #expect(contents.count == entry.size)
                        membersRead += 1
                    } catch {
                        membersRefused += 1
                    }
                }
                #expect(archive.bytesRead <= limits.totalBytes)
            } catch {
                unopened += 1
            }
            // Every 10th mutation goes through the preparation as `qlab data prepare` runs it, from a file.
            if round % 10 == 0 {
                try Data(bytes).write(to: URL(fileURLWithPath: wheelPath))
                do {
                    _ = try preparer.prepareChatterbot()
                    prepared += 1
                } catch is DataError {
                    preparationsRefused += 1
                } catch let error as DatasetPreparer.MissingSource {
                    Issue.record("the wheel is there: \(error.reason)")
                }
            }
        }
        // Mutations both break archives and leave some members readable; both paths were exercised.
        #expect(unopened > 500 && membersRefused > 500 && membersRead > 500,
                "\(unopened) unopened, \(membersRefused) members refused, \(membersRead) read")
        #expect(prepared > 0 && preparationsRefused > 100, "\(prepared) prepared, \(preparationsRefused) refused")
        // The member named ../../../../escape.yml became data, never a path.
        let written = Self.files(under: scratch)
        #expect(written.allSatisfy { $0.hasPrefix("downloads/") || $0.hasPrefix("data/chatterbot-") }, "\(written)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: DataTestPaths.packageRoot.path).sorted() == checkoutBefore)
        #expect(!FileManager.default.fileExists(atPath: scratch.deletingLastPathComponent().appendingPathComponent("escape.yml").path))
    }
}
