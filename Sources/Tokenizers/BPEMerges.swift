/// The merge table of a byte-level BPE vocabulary and the merging of one word.
///
/// Symbols are token ids throughout: a pair looks up its rank and its merged id in one hash probe, and no
/// strings are built while merging.
struct BPEMerges: Sendable {
    /// `left << 32 | right` to `rank << 32 | merged`, ranks counting from 0 for the first merge.
    let table: [UInt64: UInt64]
    /// The id of each single byte's token, or -1 when the vocabulary lacks it.
    let byteIDs: [Int32]

    init(table: [UInt64: UInt64], byteIDs: [Int32]) {
        self.table = table
        self.byteIDs = byteIDs
    }

    static func key(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// The ids `bytes` merge into, lowest rank first and leftmost first among equal ranks (Hugging Face's
    /// and llama.cpp's order). A priority queue over a linked list makes this O(n log n) in the word length.
    func merge(_ bytes: ArraySlice<UInt8>) -> [Int32] {
        var ids = bytes.map { byteIDs[Int($0)] }
        let count = ids.count
        guard count > 1 else { return ids }
        var next = [Int32](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = Int32(i + 1) }
            buffer[count - 1] = -1
            initialized = count
        }
        var previous = (0..<count).map { Int32($0 - 1) }
        var alive = [Bool](repeating: true, count: count)
        var queue = RankQueue()
        for i in 0..<(count - 1) {
            if let entry = table[Self.key(ids[i], ids[i + 1])] { queue.push(rank: entry >> 32, position: i) }
        }
        while let (rank, position) = queue.pop() {
            // Entries go stale when a neighbour merges first; the pair's rank now must still be this one.
            let right = Int(next[position])
            guard alive[position], right >= 0,
                  let entry = table[Self.key(ids[position], ids[right])], entry >> 32 == rank else { continue }
            ids[position] = Int32(truncatingIfNeeded: entry & 0xFFFF_FFFF)
            alive[right] = false
            let after = next[right]
            next[position] = after
            if after >= 0 { previous[Int(after)] = Int32(position) }
            let before = Int(previous[position])
            if before >= 0, let entry = table[Self.key(ids[before], ids[position])] {
                queue.push(rank: entry >> 32, position: before)
            }
            if after >= 0, let entry = table[Self.key(ids[position], ids[Int(after)])] {
                queue.push(rank: entry >> 32, position: position)
            }
        }
        var result: [Int32] = []
        var index: Int32 = 0
        while index >= 0 {
            result.append(ids[Int(index)])
            index = next[Int(index)]
        }
        return result
    }
}

/// A binary min-heap of (rank, position) packed into one integer, so ties in rank go to the leftmost pair.
struct RankQueue {
    private var heap: [UInt64] = []

    mutating func push(rank: UInt64, position: Int) {
        heap.append(rank << 32 | UInt64(position))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> (rank: UInt64, position: Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                guard left < heap.count else { break }
                let smaller = left + 1 < heap.count && heap[left + 1] < heap[left] ? left + 1 : left
                guard heap[smaller] < heap[parent] else { break }
                heap.swapAt(smaller, parent)
                parent = smaller
            }
        }
        return (top >> 32, Int(top & 0xFFFF_FFFF))
    }
}
