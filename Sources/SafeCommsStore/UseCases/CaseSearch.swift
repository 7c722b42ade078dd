import FluentKit
import Foundation
import SafeCommsCore

/// Finding a case among a council's thousands: by reference or the child's name, narrowed by status,
/// team and key worker, a page at a time, among the cases the reader may see. Names are sealed at
/// rest (`DataKeys`), so they are matched after opening, never in SQL.
public enum CaseSearch {
    public struct Query: Sendable, Equatable {
        /// Part of a reference or of the child's name, in any case.
        public var text: String?
        public var status: CaseStatus?
        public var teamID: UUID?
        public var keyWorkerID: UUID?
        public var page: Int
        public var per: Int

        public init(
            text: String? = nil,
            status: CaseStatus? = nil,
            teamID: UUID? = nil,
            keyWorkerID: UUID? = nil,
            page: Int = 1,
            per: Int = 25
        ) {
            self.text = text
            self.status = status
            self.teamID = teamID
            self.keyWorkerID = keyWorkerID
            self.page = page
            self.per = per
        }
    }

    public struct Result: Sendable {
        public var cases: [CaseFile]
        /// How many match, over every page.
        public var total: Int
        public var page: Int
        public var per: Int

        public var pages: Int { max(1, (total + per - 1) / per) }
    }

    public static func run(_ q: Query, for p: Principal, on db: any Database) async throws -> Result {
        let per = min(max(q.per, 1), 200)
        guard let query = VisibleCases.query(p, on: db) else { return Result(cases: [], total: 0, page: 1, per: per) }
        if let s = q.status { query.filter(\.$status == s) }
        if let t = q.teamID { query.filter(\.$teamID == t) }
        if let k = q.keyWorkerID { query.filter(\.$keyWorkerID == k) }
        var found = try await query.sort(\.$reference).all().filter { AccessPolicy.canRead(p, $0.allocation) }
        if let text = q.text?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            found = found.filter {
                $0.reference.range(of: text, options: [.caseInsensitive]) != nil
                    || $0.displayName.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil
            }
        }
        let pages = max(1, (found.count + per - 1) / per)
        let page = min(max(q.page, 1), pages)
        let start = (page - 1) * per
        return Result(
            cases: Array(found[min(start, found.count)..<min(start + per, found.count)]),
            total: found.count,
            page: page,
            per: per
        )
    }
}
