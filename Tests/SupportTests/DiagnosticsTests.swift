import Testing
@testable import Support

@Suite struct DiagnosticsTests {
    @Test func theLevelComesFromTheVariable() throws {
        #expect(try Diagnostics.level(environment: [:]) == Diagnostics.quietLevel)
        #expect(try Diagnostics.level(environment: ["QLAB_LOG_LEVEL": ""]) == Diagnostics.quietLevel)
        #expect(try Diagnostics.level(environment: ["QLAB_LOG_LEVEL": "DEBUG"]) == .debug)
        #expect(try Diagnostics.level(environment: ["QLAB_LOG_LEVEL": "info"]) == .info)
        #expect(throws: DiagnosticsError.self) { try Diagnostics.level(environment: ["QLAB_LOG_LEVEL": "loud"]) }
    }

    @Test func quietIsAboveEveryDiagnostic() {
        // Diagnostics are written at debug and info: unset, the variable must silence both.
        #expect(Diagnostics.quietLevel > .info)
    }
}
