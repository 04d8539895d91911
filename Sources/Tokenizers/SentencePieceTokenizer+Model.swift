extension SentencePieceTokenizer {
    /// The tokenizer a SentencePiece `tokenizer.model` describes, tokenizing as the sentencepiece library does:
    /// its normalizer, BPE (by score, leftmost pair first among equals) or unigram (Viterbi), byte fallback when
    /// the model was trained with it, user-defined pieces matched whole, control pieces never produced from text.
    /// BOS is added, as LLaMA's tokenizers do, unless `addsBOS` is changed.
    public init(sentencePieceModel path: String) throws(TokenizerError) {
        try self.init(model: SentencePieceModelFile(path: path))
    }

    /// The tokenizer of an already read model file.
    public init(model: SentencePieceModelFile) throws(TokenizerError) {
        let path = model.path
        switch model.algorithm {
        case .bpe, .unigram: break
        case .word, .character:
            throw .unsupported(file: path, field: "trainer_spec.model_type", value: "\(model.algorithm)", supported: "unigram, bpe")
        }
        if model.hasDenormalizer {
            throw .unsupported(file: path, field: "denormalizer_spec", value: "a rule applied to decoded text",
                               supported: "none or identity")
        }
        let pieces = model.pieces
        let userDefined = pieces.filter { $0.type == .userDefined }.map(\.text)
        let normalizer = try SentencePieceNormalizer(model.normalizer, treatWhitespaceAsSuffix: model.treatWhitespaceAsSuffix,
                                                     userDefined: userDefined, source: path)
        if model.treatWhitespaceAsSuffix {
            throw .unsupported(file: path, field: "trainer_spec.treat_whitespace_as_suffix", value: "true", supported: "false")
        }
        var whole: [String: Int] = [:]
        for (id, piece) in pieces.enumerated() where piece.type == .userDefined && !piece.text.isEmpty && whole[piece.text] == nil {
            whole[piece.text] = id
        }
        let pipeline = Pipeline(normalizer: normalizer, prefix: .never, wholePieces: whole, byteFallback: model.byteFallback,
                                fuseUnknown: true, leadingSpace: model.normalizer.addDummyPrefix ? .firstPiece : .keep,
                                unigram: model.algorithm == .unigram, unknownSurface: model.unknownSurface)
        try self.init(pieces: pieces.map(\.text), scores: pieces.map(\.score), types: pieces.map(\.type),
                      addSpacePrefix: model.normalizer.addDummyPrefix, addsBOS: true,
                      options: Options(mergePriority: .sentencePiece), pipeline: pipeline, mergeList: nil,
                      source: path, field: "pieces")
        func role(_ id: Int, _ field: String) throws(TokenizerError) -> Int? {
            guard id >= 0 else { return nil }
            guard id < pieces.count else {
                throw .malformed(file: path, field: "trainer_spec.\(field)", reason: "\(id) is not a piece id below \(pieces.count)")
            }
            return id
        }
        unknownID = try role(model.unknownID, "unk_id")
        bosID = try role(model.bosID, "bos_id")
        eosID = try role(model.eosID, "eos_id")
        padID = try role(model.padID, "pad_id")
        if bosID == nil { addsBOS = false }
    }
}
