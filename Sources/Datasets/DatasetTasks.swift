import Tensors

/// Generated tasks whose answers can be checked exactly — arithmetic, copying, ordering — in English or
/// Chinese phrasings, from a seed: the evaluation scores exact answers on them.
public struct DatasetTasks: Sendable {
    /// One task instance.
    public struct Item: Sendable, Equatable {
        /// "arithmetic", "copy" or "order".
        public var task: String
        /// The instruction as asked.
        public var prompt: String
        /// The one right answer.
        public var answer: String
    }

    /// "en" or "zh".
    public let language: String
    private var generator: SeededGenerator

    /// A generator of `language` ("en" or "zh") items from `seed`.
    public init(language: String, seed: UInt64) throws(DataError) {
        guard language == "en" || language == "zh" else { throw .invalidSetting("task language \(language) is not en or zh") }
        self.language = language
        self.generator = SeededGenerator(seed: seed)
    }

    private mutating func pick(_ n: Int) -> Int { BatchOrder.uniform(below: UInt64(n), using: &generator) }
    private mutating func pick<T>(_ list: [T]) -> T { list[pick(list.count)] }

    /// The next item of `task`.
    public mutating func next(_ task: String) -> Item {
        switch task {
        case "arithmetic": return arithmetic()
        case "copy": return copy()
        default: return order()
        }
    }

    mutating func arithmetic() -> Item {
        let digits = pick([1, 2, 3])
        let limit = [1: 10, 2: 100, 3: 1000][digits]!
        var a = pick(limit), b = pick(limit)
        let subtract = pick(4) == 0
        if subtract && b > a { swap(&a, &b) }
        let op = subtract ? "-" : "+"
        let result = subtract ? a - b : a + b
        let prompt: String
        if language == "en" {
            prompt = pick(subtract
                ? ["\(a)-\(b)=", "What is \(a) - \(b)?", "Compute \(a) minus \(b).", "Subtract \(b) from \(a)."]
                : ["\(a)+\(b)=", "What is \(a) + \(b)?", "Compute \(a) plus \(b).", "Add \(a) and \(b)."])
        } else {
            prompt = pick(subtract
                ? ["\(a)-\(b)=", "\(a) 减 \(b) 等于多少？", "计算 \(a) 减去 \(b)。", "\(a)\(op)\(b) 的结果是几？"]
                : ["\(a)+\(b)=", "\(a) 加 \(b) 等于多少？", "计算 \(a) 加上 \(b)。", "\(a)\(op)\(b) 的结果是几？"])
        }
        return Item(task: "arithmetic", prompt: prompt, answer: String(result))
    }

    static let englishWords = ["apple", "river", "stone", "light", "paper", "green", "seven", "cloud", "quiet", "table",
                               "north", "bread", "glass", "tiger", "music", "ocean", "small", "field", "clock", "honey"]
    static let chineseCharacters = Array("山水月花风云日雨天人心书光海石金木火土春秋夏冬红白青长明")

    mutating func copy() -> Item {
        let text: String
        let prompt: String
        if language == "en" {
            text = (0..<(3 + pick(4))).map { _ in pick(Self.englishWords) }.joined(separator: " ")
            prompt = pick(["Repeat exactly: \(text)", "Copy this text: \(text)", "Say back exactly what follows: \(text)"])
        } else {
            text = String((0..<(4 + pick(5))).map { _ in pick(Self.chineseCharacters) })
            prompt = pick(["请原样重复：\(text)", "照抄下面的文字：\(text)", "把这段文字再写一遍：\(text)"])
        }
        return Item(task: "copy", prompt: prompt, answer: text)
    }

    mutating func order() -> Item {
        let numbers = (0..<(3 + pick(5))).map { _ in pick(100) }
        let descending = pick(3) == 0
        let sorted = descending ? numbers.sorted(by: >) : numbers.sorted()
        let separator = language == "en" ? ", " : "，"
        let list = numbers.map(String.init).joined(separator: separator)
        let answer = sorted.map(String.init).joined(separator: separator)
        let prompt: String
        if language == "en" {
            prompt = descending ? "Sort these numbers from largest to smallest: \(list)" : pick(
                ["Sort these numbers in ascending order: \(list)", "Order from smallest to largest: \(list)"])
        } else {
            prompt = descending ? "把这些数从大到小排列：\(list)" : pick(["把这些数从小到大排列：\(list)", "按从小到大的顺序排列：\(list)"])
        }
        return Item(task: "order", prompt: prompt, answer: answer)
    }

    /// `perTask` distinct items of each task, none of whose prompts is in `excluding`.
    public mutating func items(perTask: Int, excluding: Set<String> = []) -> [Item] {
        var seen = excluding
        var out: [Item] = []
        for task in ["arithmetic", "copy", "order"] {
            var made = 0
            var attempts = 0
            while made < perTask && attempts < perTask * 100 {
                attempts += 1
                let item = next(task)
                guard seen.insert(item.prompt).inserted else { continue }
                out.append(item)
                made += 1
            }
        }
        return out
    }
}
