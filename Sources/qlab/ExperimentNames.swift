import ArgumentParser
import Experiments
import Lineage

/// Experiment names as commands take them: declared in `Experiments/`, or recorded in a store; a misspelt one
/// is a command-line error that suggests the nearest name.
enum ExperimentNames {
    /// Every name a command could mean: the declared ones, then those only the store knows.
    static func known(store: LineageStore?) -> [String] {
        var names = Experiments.all.map(\.name)
        for record in (try? store?.experiments()) ?? [] where !names.contains(record.name) { names.append(record.name) }
        return names
    }

    /// Throws a `ValidationError` unless `name` is declared or recorded in `store`.
    static func check(_ name: String, store: LineageStore?) throws {
        if Experiments.named(name) != nil { return }
        if (try store?.experiment(named: name)) != nil { return }
        throw ValidationError(unknown(name, store: store))
    }

    /// The message for a name that is neither declared nor recorded.
    static func unknown(_ name: String, store: LineageStore?) -> String {
        let names = known(store: store)
        let place = store.map { "in Experiments/ or \($0.path)" } ?? "in Experiments/"
        var message = "no experiment named \"\(name)\" \(place)"
        if let guess = Suggestion.nearest(to: name, among: names) { message += "; did you mean \"\(guess)\"?" }
        message += (message.hasSuffix("?") ? " " : "; ") + "known: \(names.joined(separator: ", "))"
        message += " (a new experiment in Experiments/ needs a rebuild of qlab)"
        return message
    }
}
