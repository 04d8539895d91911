import Foundation
import Support
import Testing

/// The places qlab looks for the project's data and models.
struct CheckoutFoldersTests {
    @Test func theVariableThenTheWorkingDirectoryThenTheFoldersAboveTheExecutable() {
        let cwd = FileManager.default.currentDirectoryPath
        let found = CheckoutFolders.candidates(relative: "data", variable: "X_DATA", environment: ["X_DATA": "/custom"],
                                               executable: "/repo/.build/x86_64-unknown-linux-gnu/release/qlab")
        #expect(found == ["/custom", cwd + "/data", "/repo/.build/x86_64-unknown-linux-gnu/data", "/repo/.build/data",
                          "/repo/data", "/data"])
        // An empty variable is no folder.
        let plain = CheckoutFolders.candidates(relative: ".cache/models", variable: "X_DATA", environment: ["X_DATA": ""],
                                               executable: "/repo/.build/release/qlab")
        #expect(plain.first == cwd + "/.cache/models" && plain.contains("/repo/.cache/models"))
    }
}
