import Crypto
import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct AuditChainTests {
    let key = AuditKey(bytes: Array(repeating: 1, count: 32))

    func chain(_ n: Int) -> [AuditLink] {
        var previous = AuditChainVerifier.genesis
        return (1...n).map { i in
            let link = AuditLink(
                sequence: Int64(i),
                atMillis: 1_700_000_000_000 + Int64(i),
                organisationID: nil,
                actorID: nil,
                action: "case.read",
                entity: "case",
                entityID: "\(i)",
                caseID: nil,
                source: "test",
                detail: nil,
                previousHash: previous
            ).sealed(key: key)
            previous = link.hash
            return link
        }
    }

    func verify(_ links: [AuditLink]) throws(AuditChainVerifier.Break) -> Int {
        var v = AuditChainVerifier(key: key)
        for l in links { try v.check(l) }
        return v.checked
    }

    @Test func intactChainVerifies() throws {
        #expect(try verify(chain(10)) == 10)
    }

    @Test func editIsNamed() {
        var links = chain(10)
        links[4].action = "case.update"
        #expect(throws: AuditChainVerifier.Break.alteredLink(sequence: 5)) { try verify(links) }
    }

    @Test func deletionIsNamed() {
        var links = chain(10)
        links.remove(at: 6)
        #expect(throws: AuditChainVerifier.Break.sequenceGap(after: 6, found: 8)) { try verify(links) }
    }

    @Test func renumberedDeletionIsNamed() {
        var links = chain(10)
        links.remove(at: 6)
        for i in 6..<links.count { links[i].sequence -= 1 }
        #expect(throws: (any Error).self) { try verify(links) }
        do { _ = try verify(links) } catch { #expect(error.description.contains("link 7")) }
    }

    @Test func rewritingWithoutTheKeyIsDetected() {
        // Someone who can change the database but not read the key edits a link and re-seals the
        // rest of the chain with a key of their own.
        var links = chain(10)
        links[3].action = "case.update"
        var previous = links[2].hash
        for i in 3..<links.count {
            links[i].previousHash = previous
            links[i] = links[i].sealed(key: AuditKey(bytes: Array(repeating: 2, count: 32)))
            previous = links[i].hash
        }
        #expect(throws: AuditChainVerifier.Break.alteredLink(sequence: 4)) { try verify(links) }
    }

    @Test func keyHexRoundTrips() {
        let k = AuditKey.random()
        #expect(AuditKey(hex: k.hex) == k)
        #expect(AuditKey(hex: "xyz") == nil)
    }

    @Test func reorderIsNamed() {
        var links = chain(10)
        links.swapAt(2, 3)
        (links[2].sequence, links[3].sequence) = (3, 4)
        do {
            _ = try verify(links)
            Issue.record("reordered chain verified")
        } catch {
            #expect(error == .brokenPointer(sequence: 3, expected: chain(10)[1].hash, found: chain(10)[2].hash))
        }
    }
}

@Suite struct TimeOrderedUUIDTests {
    @Test func versionVariantAndOrder() {
        let a = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_700_000_000))
        let b = UUID.timeOrdered(at: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(a.uuidString.dropFirst(14).first == "7")
        #expect("89AB".contains(a.uuidString.dropFirst(19).first!))
        #expect(a.uuidString < b.uuidString)
        #expect(a.uuidString.hasPrefix("018BCFE5-6800"))
    }

    /// Drawn from a pool refilled in bulk: across several refills, every id is new, and the random
    /// bits are not stuck (each of the 74 random bit positions takes both values).
    @Test func manyIdsAreDistinctAndRandom() {
        let at = Date(timeIntervalSince1970: 1_700_000_000)
        let ids = (0..<5_000).map { _ in UUID.timeOrdered(at: at) }
        #expect(Set(ids).count == ids.count)
        var ones = [Int](repeating: 0, count: 128)
        for id in ids {
            withUnsafeBytes(of: id.uuid) { bytes in
                for bit in 0..<128 where bytes[bit / 8] & (0x80 >> UInt8(bit % 8)) != 0 { ones[bit] += 1 }
            }
        }
        let random = Array(52..<64) + Array(66..<128)
        #expect(random.allSatisfy { ones[$0] > 2_000 && ones[$0] < 3_000 }, "\(random.map { ones[$0] })")
        #expect(
            ids.allSatisfy {
                $0.uuidString.hasPrefix("018BCFE5-6800-7") && "89AB".contains($0.uuidString.dropFirst(19).first!)
            }
        )
    }

    /// `uuidText` is exactly Foundation's `uuidString` (the form stored and hashed), for random ids
    /// and for the all-zero and all-ones edges.
    @Test func textIsFoundationsText() {
        let edges = [
            UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            UUID(uuid: (255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255)),
        ]
        for id in edges + (0..<1_000).map({ _ in UUID() }) {
            #expect(id.uuidText == id.uuidString)
        }
        #expect(edges[1].uuidText == "FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF")
    }

    /// `UUID(uuidText:)` reads what Foundation reads, and refuses what it refuses.
    @Test func textIsReadAsFoundationReadsIt() {
        for id in (0..<1_000).map({ _ in UUID() }) {
            #expect(UUID(uuidText: id.uuidString) == id)
            #expect(UUID(uuidText: id.uuidString.lowercased()) == id)
        }
        let bad = [
            "", "not a uuid", "018BCFE5-6800-7000-8000-00000000000", "018BCFE5-6800-7000-8000-0000000000000",
            "018BCFE5x6800-7000-8000-000000000000",
            "018BCFE5-6800-7000-8000-00000000000G", "018BCFE5-6800-7000-8000-00000000000é",
        ]
        for text in bad { #expect(UUID(uuidText: text) == nil && UUID(uuidString: text) == nil, "\(text)") }
    }
}

@Suite struct AuditHashFormatTests {
    /// The sealing format is part of every stored chain: it must never change silently.
    @Test func knownLinkHasKnownHash() {
        let link = AuditLink(
            sequence: 1,
            atMillis: 1_700_000_000_000,
            organisationID: UUID(uuidString: "00000000-0000-0000-0000-000000000001"),
            actorID: nil,
            action: "case.read",
            entity: "case",
            entityID: "42",
            caseID: nil,
            source: "test",
            detail: "ü",
            previousHash: AuditChainVerifier.genesis
        )
        var expected = HMAC<SHA256>(key: SymmetricKey(data: Array(repeating: UInt8(9), count: 32)))
        for field in [
            "1", "1700000000000", "00000000-0000-0000-0000-000000000001", "\u{0}", "case.read", "case", "42", "\u{0}",
            "test", "ü", AuditChainVerifier.genesis,
        ] {
            let bytes = Array(field.utf8)
            expected.update(data: Array("\(bytes.count):".utf8))
            expected.update(data: bytes)
        }
        let hex = expected.finalize().map { String(format: "%02x", $0) }.joined()
        #expect(link.computedHash(key: AuditKey(bytes: Array(repeating: 9, count: 32))) == hex)
    }
}
