import Datasets
import Evaluation
import ExperimentSpec
import Foundation
import Lineage
import Models
import Tokenizers
import Support

/// What a base contestant's answers depend on, as its cell row's configuration: the base as loaded, the data
/// settings the prompts are drawn under, the tournament's settings.
struct BaseContestantConfig: Codable, Equatable {
    var model: ModelSettings
    var data: DataSettings
    var tournament: Tournament
}

/// `tournament-answers-base.json` in a cell directory: the base contestant's id, configuration and answers.
struct BaseAnswersFile: Codable, Equatable {
    static let fileName = "tournament-answers-base.json"

    var base: String
    var config: String
    var answers: [TournamentAnswer]

    static func read(directory: String) throws -> BaseAnswersFile? {
        guard let data = FileManager.default.contents(atPath: directory + "/" + fileName) else { return nil }
        do {
            return try JSONDecoder().decode(BaseAnswersFile.self, from: data)
        } catch {
            throw RunnerError.cellFailed(cell: directory, reason: "\(fileName) is not a base contestant's answers: \(error)")
        }
    }
}

extension CellWorker {
    /// The base contestant of `tournament` under `config`: its id (`base-` and 16 hex digits of a SHA-256 of its
    /// configuration and the hashes of the base model and data files) and its configuration text.
    static func baseContestant(_ tournament: Tournament, config: TrainingConfig, inputs: [CellManifest.Input]) throws -> (id: String, config: String) {
        let text = try CanonicalJSON.string(BaseContestantConfig(model: config.model, data: config.data, tournament: tournament))
        var identity = "qlab-base-contestant-v1\n" + text + "\n"
        for input in inputs.sorted(by: { ($0.role, $0.path) < ($1.role, $1.path) }) where input.role != InputRole.initAdapter.rawValue {
            identity += "input \(input.role) \(input.path) \(input.sha256)\n"
        }
        return (BaseContestant.prefix + String(SHA256.hexDigest(identity.utf8).prefix(16)), text)
    }

    /// Writes the base contestant's answers into `directory`, made on `model` without an adapter before any
    /// training; another cell on the same base, code and kernel made them already when its memo is there (a
    /// rerun makes them again).
    func writeBaseAnswers(_ tournament: Tournament, config: TrainingConfig, model: LlamaModel, tokenizer: any Tokenizer,
                          catalog: DatasetCatalog, directory: String, version: CodeVersion, seconds: inout [String: Double],
                          say: (String) -> Void) throws {
        let (id, text) = try Self.baseContestant(tournament, config: config, inputs: entry.inputs)
        // A run resuming this cell after a kill finds them made already.
        if let made = try? BaseAnswersFile.read(directory: directory), made.base == id { return }
        let memo = entry.parentRun == nil
            ? try BasePerplexityMemo.path(kind: "tournament", subject: ("contestant", text), runsRoot: runsRoot, config: config,
                                          inputs: entry.inputs, threads: threads, code: version, executable: BasePerplexityMemo.executableIdentity())
            : nil
        let start = Date()
        var file: BaseAnswersFile
        if let memo, let data = FileManager.default.contents(atPath: memo), let kept = try? JSONDecoder().decode(BaseAnswersFile.self, from: data),
           kept.base == id {
            file = kept
            say("tournament answers of the base: \(kept.answers.count) prompts (made by an earlier cell on the same base, code and kernel)")
        } else {
            let answers = try TournamentAnswer.generate(tournament: tournament, settings: config.data, catalog: catalog, model: model,
                                                        adapter: nil, tokenizer: tokenizer)
            file = BaseAnswersFile(base: id, config: text, answers: answers)
            if let memo {
                try FileManager.default.createDirectory(atPath: (memo as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try AtomicFile.write(try CanonicalJSON.bytes(file), to: memo)
            }
            say("tournament answers of the base: \(answers.count) prompts")
        }
        seconds["seconds_tournament_answers_base"] = Date().timeIntervalSince(start)
        try AtomicFile.write(try CanonicalJSON.bytes(file), to: directory + "/" + BaseAnswersFile.fileName)
    }
}
