import Testing

@testable import SafeCommsCore

/// An organisation file or a policy pack written to hurt is refused by name, without expanding it.
@Suite struct BoundedYAMLTests {
    static func laughs(levels: Int) -> String {
        var text = "name: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
        for level in 1...levels {
            text +=
                "x\(level): &l\(level) ["
                + Array(repeating: level == 1 ? "*a" : "*l\(level - 1)", count: 9).joined(separator: ",") + "]\n"
        }
        return text
    }

    @Test func organisationFileWithRepeatedAliasesIsRefused() {
        let refused = #expect(throws: PolicyPackError.self) {
            try CheckOrganisation.load(yaml: Self.laughs(levels: 9), file: "org.yaml")
        }
        #expect(
            refused?.description
                == "org.yaml: holds more than 10000 values once its aliases are expanded (an anchor repeated through aliases)"
        )
    }

    @Test func policyPackWithRepeatedAliasesIsRefused() {
        let refused = #expect(throws: PolicyPackError.self) {
            try PolicyPack.load(yaml: Self.laughs(levels: 9), file: "pack.yaml")
        }
        #expect(refused?.description.contains("values once its aliases are expanded") == true)
    }

    @Test func emptyAndOverlongDocumentsAreRefused() {
        #expect(throws: BoundedYAML.Refused.self) { try BoundedYAML.compose("", maxBytes: 10, maxValues: 10) }
        let long = #expect(throws: BoundedYAML.Refused.self) {
            try BoundedYAML.compose("a: bbbbbbbbbb", maxBytes: 10, maxValues: 10)
        }
        #expect(long?.description == "is 13 bytes long; at most 10 are read")
        #expect(throws: Never.self) { try BoundedYAML.compose("a: [1, 2, 3]", maxBytes: 100, maxValues: 10) }
    }
}
