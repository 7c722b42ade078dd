import Foundation
import Testing

@testable import SafeCommsCore

/// Personal data is sealed with AES-256-GCM under a named key: it opens only with that key, and a
/// value changed after sealing is refused rather than read.
@Suite struct DataKeysTests {
    @Test func sealedTextOpensWithItsKeyOnly() throws {
        let key = DataKey.random(), other = DataKey.random()
        let text = "Aisha said she is scared to go home — DOB 2012-03-04, 12 Mill Lane"
        let sealed = SealedText.seal(text, with: key)
        #expect(!sealed.contains("Aisha") && !sealed.contains("2012-03-04"))
        #expect(SealedText.keyID(of: sealed) == Substring(key.id))
        #expect(try SealedText.open(sealed, key: { $0 == Substring(key.id) ? key : nil }) == text)
        #expect(throws: SealedText.OpenError.unknownKey(key.id)) {
            try SealedText.open(sealed, key: { $0 == Substring(other.id) ? other : nil })
        }
        // A fresh nonce each time: the same text never seals to the same value.
        #expect(SealedText.seal(text, with: key) != sealed)
    }

    @Test func changedValueIsRefused() throws {
        let key = DataKey.random()
        var bytes = Array(SealedText.seal("Home visit: no concerns", with: key).utf8)
        // Change one character of the ciphertext (keeping it base64).
        let i = bytes.count - 10
        bytes[i] = bytes[i] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: SealedText.OpenError.damaged) {
            try SealedText.open(String(decoding: bytes, as: UTF8.self), key: { _ in key })
        }
    }

    @Test func clearTextFromBeforeSealingReadsAsItIs() throws {
        #expect(SealedText.keyID(of: "Bailey Brennan") == nil)
        #expect(try SealedText.open("Bailey Brennan", key: { _ in nil }) == "Bailey Brennan")
        #expect(try SealedText.open("", key: { _ in nil }) == "")
    }

    @Test func keysRoundTripAsHexAndHaveStableIDs() {
        let key = DataKey.random()
        #expect(DataKey(hex: key.hex) == key)
        #expect(DataKey(hex: key.hex)?.id == key.id)
        #expect(key.id.count == 8)
        #expect(DataKey(hex: "xyz") == nil)
        #expect(DataKey(hex: String(repeating: "0", count: 62)) == nil)
        #expect(Hex.bytes("0aFF") == [0x0A, 0xFF])
        #expect(Hex.bytes("0g") == nil)
    }

    /// (The test leaves the process's sealing key alone: other suites' servers share it.)
    @Test func processKeysOpenWhatAnyAddedKeySealed() {
        let first = DataKey.random()
        let a = SealedText.seal("written under the first key", with: first)
        #expect(DataKeys.open(a).hasPrefix("[sealed under data key \(first.id)"))
        DataKeys.add(first)
        #expect(DataKeys.open(a) == "written under the first key")
        let unknown = SealedText.seal("under a key never given", with: .random())
        #expect(DataKeys.open(unknown).hasPrefix("[sealed under data key "))
        #expect(DataKeys.open(Optional<String>.none) == nil)
    }

    @Test func base64DecodesAsFoundationDoes() {
        var rng = SeededRandom(seed: 7)
        for length in 0..<70 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Array(Data(bytes).base64EncodedString().utf8)
            #expect(text.withUnsafeBufferPointer { Base64.decode($0) } == bytes, "\(length) bytes")
        }
        for bad in ["abc", "ab=c", "a!cd", "===="] {
            #expect(Array(bad.utf8).withUnsafeBufferPointer { Base64.decode($0) } == nil, "\(bad)")
        }
    }
}
