import Support

/// The Wilson score interval of a proportion (defined in Support, shared with the benchmark evaluation).
public typealias WilsonInterval = Support.WilsonInterval
