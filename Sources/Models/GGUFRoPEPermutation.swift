/// The row permutation llama.cpp's converter applies to LLaMA's query and key projections, and its inverse.
///
/// Hugging Face checkpoints order each head's rows for the rotate-half RoPE layout: the first half of a head's
/// rows pair with the second half. llama.cpp rotates adjacent pairs instead, so its converter views each
/// head's rows as (2, headDim/2), swaps the two axes and stores them as (headDim/2, 2). Hugging Face row
/// `h·headDim + half·headDim/2 + i` therefore sits at GGUF row `h·headDim + 2·i + half`.
public enum GGUFRoPEPermutation {
    /// Rows of a `[rows, columns]` row-major matrix in GGUF (interleaved) order, put back in Hugging Face
    /// (rotate-half) order; nil when `rows` is not a positive multiple of `2 · heads`.
    public static func unpermute(_ values: [Float], rows: Int, columns: Int, heads: Int) -> [Float]? {
        reorder(values, rows: rows, columns: columns, heads: heads, toHuggingFace: true)
    }

    /// The converter's direction: Hugging Face row order to GGUF row order; nil on a shape that does not divide.
    public static func permute(_ values: [Float], rows: Int, columns: Int, heads: Int) -> [Float]? {
        reorder(values, rows: rows, columns: columns, heads: heads, toHuggingFace: false)
    }

    /// The GGUF row that holds Hugging Face row `row`, for heads of `headDim` rows.
    @inline(__always)
    public static func ggufRow(ofHuggingFaceRow row: Int, headDim: Int) -> Int {
        let head = row / headDim, within = row % headDim, halfSize = headDim / 2
        return head * headDim + 2 * (within % halfSize) + within / halfSize
    }

    private static func reorder(_ values: [Float], rows: Int, columns: Int, heads: Int, toHuggingFace: Bool) -> [Float]? {
        guard heads > 0, rows > 0, columns >= 0, rows % (2 * heads) == 0, values.count == rows * columns else { return nil }
        let headDim = rows / heads
        var out = [Float](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for hfRow in 0..<rows {
                    let gguf = ggufRow(ofHuggingFaceRow: hfRow, headDim: headDim)
                    let (from, to) = toHuggingFace ? (gguf, hfRow) : (hfRow, gguf)
                    for c in 0..<columns { dst[to * columns + c] = src[from * columns + c] }
                }
            }
        }
        return out
    }
}
