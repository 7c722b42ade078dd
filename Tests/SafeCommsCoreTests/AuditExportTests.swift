import Foundation
import Testing

@testable import SafeCommsCore

@Suite struct AuditExportTests {
    let key = AuditKey.random()

    /// Five sealed links in a chain; the second has a detail with a comma, a quote and a line break.
    func chain() -> [AuditLink] {
        var links: [AuditLink] = []
        var previous = AuditChainVerifier.genesis
        for i in 1...5 {
            let link = AuditLink(
                sequence: Int64(i),
                atMillis: 1_790_000_000_000 + Int64(i),
                organisationID: UUID(),
                actorID: i == 3 ? nil : UUID(),
                action: "chronology.read",
                entity: "case",
                entityID: i == 4 ? "" : "x\(i)",
                caseID: UUID(),
                source: "web",
                detail: i == 2 ? "page 1, \"web\"\nnext" : nil,
                previousHash: previous,
                rowDigest: i == 5 ? "abc" : nil
            ).sealed(key: key)
            previous = link.hash
            links.append(link)
        }
        return links
    }

    @Test func bothFormatsReadBackExactly() throws {
        let links = chain()
        let jsonl = links.map { AuditExport.jsonLine($0) + "\n" }.joined()
        let csv = AuditExport.csvHeader + links.map(AuditExport.csvRow).joined()
        #expect(try AuditExport.read(jsonl) == links)
        #expect(try AuditExport.read(csv) == links)
    }

    @Test func aWholeExportIsJoinedAndASelectionCountsItsGaps() throws {
        let links = chain()
        #expect(try AuditExport.verify(links, key: key) == .init(events: 5, joined: 4, gaps: 0))
        // Newest first, as a filter might give them, and without the third.
        let some = [links[4], links[3], links[1], links[0]]
        #expect(try AuditExport.verify(some, key: key) == .init(events: 4, joined: 2, gaps: 1))
    }

    @Test func anEditedEventOrAMovedLinkIsFound() throws {
        var links = chain()
        links[1].detail = "page 2"
        #expect(throws: AuditChainVerifier.Break.alteredLink(sequence: 2)) { try AuditExport.verify(links, key: key) }
        // A link resealed by someone without the key cannot be made to match.
        var forged = chain()
        forged[2].previousHash = forged[0].hash
        forged[2] = forged[2].sealed(key: AuditKey.random())
        #expect(throws: AuditChainVerifier.Break.alteredLink(sequence: 3)) { try AuditExport.verify(forged, key: key) }
        // Sealed with the right key but pointing at the wrong link: the pointer is checked.
        var repointed = chain()
        repointed[2].previousHash = repointed[0].hash
        repointed[2] = repointed[2].sealed(key: key)
        #expect(throws: AuditChainVerifier.Break.self) { try AuditExport.verify(repointed, key: key) }
    }

    @Test func aLineThatIsNotAnEventIsNamed() {
        #expect(throws: AuditExport.Unreadable.self) { try AuditExport.read("{\"sequence\":1}\n") }
        #expect(
            throws: AuditExport.Unreadable(
                line: 1,
                reason: "the header is not " + AuditExport.columns.joined(separator: ",")
            )
        ) {
            try AuditExport.read("a,b\r\n1,2\r\n")
        }
    }
}
