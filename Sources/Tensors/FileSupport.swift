import Support

// The one durable writer and file error live in Support, below every module; these names let code that
// imports Tensors keep reaching them without importing Support as well.

/// Durable atomic whole-file writes (`Support.AtomicFile`).
public typealias AtomicFile = Support.AtomicFile
/// A file that could not be read or written (`Support.FileError`).
public typealias FileError = Support.FileError
