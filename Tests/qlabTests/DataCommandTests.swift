import Foundation
import Testing

/// `qlab data prepare` and `qlab data list` end to end, on tiny sources made here (no network, no data/).
struct DataCommandTests {
    func makeSources() throws -> (root: URL, downloads: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("qlab-data-cli-\(UUID().uuidString)")
        let downloads = root.appendingPathComponent("downloads")
        try FileManager.default.createDirectory(at: downloads, withIntermediateDirectories: true)
        return (root, downloads.path)
    }

    @Test func prepareWithMissingSourcesStillWritesTheTasksAndListShowsThem() throws {
        let (root, downloads) = try makeSources()
        let output = root.appendingPathComponent("data").path
        let prepare = try CLI.run(["data", "prepare", "--downloads", downloads, "--fortunes", root.appendingPathComponent("none").path,
                                   "--wordnet", root.appendingPathComponent("none").path, "--data", output])
        // The wheels and fortunes are missing: said on stderr, exit status 2, generated tasks prepared anyway.
        #expect(prepare.status == 2)
        #expect(prepare.stderr.contains("missing chatterbot-en") && prepare.stderr.contains("missing fortunes-zh"))
        #expect(prepare.stderr.contains("missing wordnet-en") && prepare.stderr.contains("missing poems-zh"))
        #expect(prepare.stdout.contains("tasks-en: 3000 train, 300 eval"))
        let list = try CLI.run(["data", "list", "--data", output])
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("tasks-zh") && list.stdout.contains("tasks-zh/eval.jsonl") && list.stdout.contains("300"))
        #expect(list.stdout.contains("generated here; no third-party content"))
        let json = try CLI.run(["data", "list", "--data", output, "--json"])
        let manifest = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let datasets = manifest["datasets"] as! [[String: Any]]
        #expect(datasets.map { $0["name"] as! String } == ["tasks-en", "tasks-zh"])
        let file = (datasets[0]["files"] as! [[String: Any]])[0]
        #expect((file["sha256"] as! String).count == 64)
    }

    @Test func listWithoutDataSaysHowToPrepareIt() throws {
        let (root, _) = try makeSources()
        let list = try CLI.run(["data", "list", "--data", root.appendingPathComponent("empty").path])
        #expect(list.status != 0)
        #expect(list.stderr.contains("qlab data prepare"))
    }
}
