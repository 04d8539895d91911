import ArgumentParser
import Foundation

@main
struct QLab: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qlab",
        abstract: "QLoRA experiments: quantize, train and compare on one machine.",
        subcommands: [
            QuantizeCommand.self,
            TrainCommand.self,
            EvalCommand.self,
            GenerateCommand.self,
            MergeCommand.self,
            EloCommand.self,
            DataCommand.self,
            PlanCommand.self,
            RunCommand.self,
            CancelCommand.self,
            RerunCommand.self,
            TournamentCommand.self,
            ShowCommand.self,
            RunsCommand.self,
            LineageCommand.self,
            ExportCommand.self,
            IngestCommand.self,
            CellCommand.self,
            ReportCommand.self,
        ]
    )
}
