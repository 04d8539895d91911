import Datasets
import ExperimentSpec
import Foundation
import Models
import Tokenizers
import Tensors

/// A contestant's answers to the tournament prompts, as a cell writes them (`tournament-answers.jsonl`).
public struct TournamentAnswer: Codable, Sendable, Equatable {
    /// The prompt's id (`p0`, `p1`, ...: its place among the held-out questions).
    public var id: String
    /// The prompt text (as the model saw it, before the template).
    public var prompt: String
    /// The dataset's answer, when it has one.
    public var reference: String?
    /// The contestant's answer.
    public var answer: String

    /// The file a cell directory keeps them in.
    public static let fileName = "tournament-answers.jsonl"

    /// Reads a cell directory's answers.
    public static func read(directory: String) throws -> [TournamentAnswer] {
        let text = try String(contentsOfFile: directory + "/" + fileName, encoding: .utf8)
        return try text.split(separator: "\n").map { try JSONDecoder().decode(TournamentAnswer.self, from: Data($0.utf8)) }
    }

    /// The held-out prompts of the first dataset of `settings` (its eval file, or the seeded split), first `count`.
    static func prompts(settings: DataSettings, catalog: DatasetCatalog, count: Int) throws -> [(id: String, prompt: String, reference: String?)] {
        guard let name = settings.datasets.first else { return [] }
        let source = try catalog.resolve(name)
        let records: [DataRecord]
        if let eval = source.eval {
            records = try DatasetFile.read(path: eval, format: settings.format).records
        } else {
            let file = try DatasetFile.read(path: source.train, format: settings.format)
            let parts = try DataSplit.split(total: file.records.count, evalSize: settings.evalSize, seed: settings.splitSeed, contentHash: source.hashes[0])
            records = parts.eval.map { file.records[$0] }
        }
        var result: [(String, String, String?)] = []
        for (i, r) in records.enumerated() where result.count < count {
            if case .pair(let prompt, let answer) = r.content { result.append(("p\(i)", prompt, answer)) }
        }
        return result
    }

    /// Every contestant answers the same prompts with the tournament's sampling (seeded, the same for all).
    public static func generate(tournament: Tournament, settings: DataSettings, catalog: DatasetCatalog, model: LlamaModel,
                         adapter: LoRAAdapter?, tokenizer: any Tokenizer) throws -> [TournamentAnswer] {
        let generator = Generator(model: model, adapter: adapter)
        let prompts = try tournament.promptsFile.map { file in
            try TournamentPromptFile.read(path: file).prefix(tournament.prompts).map { (id: $0.prompt.id, prompt: $0.prompt.prompt, reference: $0.prompt.reference) }
        } ?? prompts(settings: settings, catalog: catalog, count: tournament.prompts)
        let requests = prompts.enumerated().map { index, p in
            var ids = tokenizer.bosID.map { [$0] } ?? []
            ids += tokenizer.encode(p.prompt)
            // Each prompt's own seeded sampler: the draws do not depend on which prompts share its batch.
            return Generator.Request(prompt: Array(ids.prefix(settings.sourceMaxLength)),
                                     sampling: SamplingOptions(temperature: tournament.temperature, topP: tournament.topP,
                                                               seed: tournament.seed &+ UInt64(index)))
        }
        let outputs = try generator.generate(requests, maxNewTokens: tournament.maxNewTokens)
        var answers: [TournamentAnswer] = []
        for (p, output) in zip(prompts, outputs) {
            let text = tokenizer.decode(output.tokens.filter { $0 != tokenizer.eosID })
            answers.append(TournamentAnswer(id: p.id, prompt: p.prompt, reference: p.reference, answer: text))
        }
        return answers
    }
}
