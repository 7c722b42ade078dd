import FluentKit
import Foundation
import SafeCommsCore

/// A stored link of the audit chain. The sequence number is the primary key; the hash covers every column.
public final class AuditEvent: Model, @unchecked Sendable {
    public static let schema = "audit_events"

    // managed fields
    @ID(custom: "seq", generatedBy: .user) public var id: Int64?

    // reference fields
    @OptionalField(key: "organisation_id") public var organisationID: UUID?
    @OptionalField(key: "actor_id") public var actorID: UUID?
    @OptionalField(key: "case_id") public var caseID: UUID?

    // data fields
    @Field(key: "at_ms") public var atMillis: Int64
    @Field(key: "action") public var action: String
    @Field(key: "entity") public var entity: String
    @OptionalField(key: "entity_id") public var entityID: String?
    @OptionalField(key: "source") public var source: String?
    @OptionalField(key: "detail") public var detail: String?
    @Field(key: "previous_hash") public var previousHash: String
    @Field(key: "hash") public var hash: String
    @OptionalField(key: "row_digest") public var rowDigest: String?

    public init() {}

    public init(_ link: AuditLink) {
        id = link.sequence
        atMillis = link.atMillis
        organisationID = link.organisationID
        actorID = link.actorID
        action = link.action
        entity = link.entity
        entityID = link.entityID
        caseID = link.caseID
        source = link.source
        detail = link.detail
        previousHash = link.previousHash
        hash = link.hash
        rowDigest = link.rowDigest
    }

    public var link: AuditLink {
        AuditLink(
            sequence: id ?? 0,
            atMillis: atMillis,
            organisationID: organisationID,
            actorID: actorID,
            action: action,
            entity: entity,
            entityID: entityID,
            caseID: caseID,
            source: source,
            detail: detail,
            previousHash: previousHash,
            hash: hash,
            rowDigest: rowDigest
        )
    }
}
