import Foundation

/// The merged ids of words seen before, shared by every copy of a tokenizer.
///
/// A class because copies of a tokenizer value should share what they learned, and locked because a
/// tokenizer is `Sendable` and may encode on several threads at once.
final class BPEWordCache: @unchecked Sendable {
    private let lock = NSLock()
    private var words: [ArraySlice<UInt8>: [Int32]] = [:]
    /// Bounded so that a long stream of unique words (random bytes, say) cannot grow memory without end.
    private let capacity: Int

    init(capacity: Int = 1 << 16) {
        self.capacity = capacity
    }

    func ids(for word: ArraySlice<UInt8>, orMerge merge: (ArraySlice<UInt8>) -> [Int32]) -> [Int32] {
        lock.lock()
        let cached = words[word]
        lock.unlock()
        if let cached { return cached }
        let ids = merge(word)
        lock.lock()
        if words.count >= capacity { words.removeAll(keepingCapacity: true) }
        // A fresh array, so the cache does not keep the whole text alive through the slice.
        words[ArraySlice(Array(word))] = ids
        lock.unlock()
        return ids
    }
}
