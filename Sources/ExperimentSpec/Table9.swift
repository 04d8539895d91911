/// Table 9 of the QLoRA paper (p. 23): batch size, learning rate, steps and source / target lengths by model
/// size and dataset.
///
/// Source: a literal transcription of the table, cross-checked against the reference repository's scripts
/// (`scripts/finetune.sh`, `finetune_guanaco_*b.sh`) and secondary summaries (`qlora-facts.md` §4.3). "All" is
/// the row for datasets the table does not list separately; a "-" source length (no limit) is nil here.
public enum Table9 {
    /// The paper's model sizes.
    public enum ModelSize: String, Sendable, CaseIterable, Codable {
        case b7 = "7B", b13 = "13B", b33 = "33B", b65 = "65B"

        /// The nominal parameter count.
        public var parameters: Int {
            switch self {
            case .b7: 7_000_000_000
            case .b13: 13_000_000_000
            case .b33: 33_000_000_000
            case .b65: 65_000_000_000
            }
        }
    }

    /// The table's dataset columns.
    public enum DatasetColumn: String, Sendable, CaseIterable, Codable {
        case all = "All", oasst1 = "OASST1", hhRLHF = "HH-RLHF", longform = "Longform"
    }

    /// One row of the table.
    public struct Row: Sendable, Equatable, Hashable, ExperimentComponent {
        /// Model size.
        public let size: ModelSize
        /// Dataset column.
        public let dataset: DatasetColumn
        /// Examples per optimizer step.
        public let batchSize: Int
        /// Constant learning rate.
        public let learningRate: Double
        /// Optimizer steps.
        public let steps: Int
        /// Source (prompt) token limit; nil for the table's "-" (no limit).
        public let sourceLength: Int?
        /// Target (answer) token limit.
        public let targetLength: Int

        /// The row's five numbers as fixed settings (no source limit becomes `DataSettings.noLengthLimit`).
        public var preset: Preset {
            let row = self
            return Preset("Table9.row(.\(size), .\(dataset))") { config, _ in
                config.batchSize = row.batchSize
                if row.batchSize % config.gradientAccumulation != 0 { config.gradientAccumulation = 1 }
                config.optimizer.learningRate = row.learningRate
                config.steps = row.steps
                config.data.sourceMaxLength = row.sourceLength ?? DataSettings.noLengthLimit
                config.data.targetMaxLength = row.targetLength
            }
        }

        /// The row shrunk for a small model (see `Preset.scaled`).
        public func scaled(steps: Int? = nil, batchSize: Int? = nil, sourceLength: Int? = nil, targetLength: Int? = nil) -> Preset {
            preset.scaled(steps: steps, batchSize: batchSize, sourceLength: sourceLength, targetLength: targetLength)
        }

        public func contribute(to parts: inout ExperimentParts) { preset.contribute(to: &parts) }
    }

    /// The row for `size` and `dataset`.
    public static func row(_ size: ModelSize, _ dataset: DatasetColumn) -> Row {
        // Batch and learning rate by size; OASST1 always uses batch 16 (the Guanaco scripts' 1 × 16).
        let lr = size == .b7 || size == .b13 ? 2e-4 : 1e-4
        let bigBatch: Int = switch size {
        case .b7, .b13: 16
        case .b33: 32
        case .b65: 64
        }
        switch dataset {
        case .all:
            let steps = switch size {
            case .b7, .b13: 10_000
            case .b33: 5000
            case .b65: 2500
            }
            return Row(size: size, dataset: dataset, batchSize: bigBatch, learningRate: lr, steps: steps, sourceLength: 384, targetLength: 128)
        case .oasst1:
            return Row(size: size, dataset: dataset, batchSize: 16, learningRate: lr, steps: 1875, sourceLength: nil, targetLength: 512)
        case .hhRLHF:
            let steps = switch size {
            case .b7, .b13: 10_000
            case .b33: 5000
            case .b65: 2500
            }
            return Row(size: size, dataset: dataset, batchSize: bigBatch, learningRate: lr, steps: steps, sourceLength: nil, targetLength: 768)
        case .longform:
            // 65B Longform uses batch 32, not 64 (the transcription and a Japanese summary agree).
            let batch = size == .b65 ? 32 : bigBatch
            let steps = size == .b7 || size == .b13 ? 4000 : 2343
            return Row(size: size, dataset: dataset, batchSize: batch, learningRate: lr, steps: steps, sourceLength: 512, targetLength: 1024)
        }
    }

    /// All sixteen rows, in the table's order (by size, then All, OASST1, HH-RLHF, Longform).
    public static let rows: [Row] = ModelSize.allCases.flatMap { size in DatasetColumn.allCases.map { row(size, $0) } }

    /// The distinct learning rates of the table, ascending: 1e-4 (33B, 65B) and 2e-4 (7B, 13B).
    public static var learningRates: [Double] { Array(Set(rows.map(\.learningRate))).sorted() }
}
