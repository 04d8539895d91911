extension DataSettings {
    /// A length limit that never truncates: Table 9's "-" (no source limit).
    ///
    /// `Int.max` rather than a special value, so that `min(length, limit)` needs no special case in the data code.
    public static let noLengthLimit = Int.max
}
