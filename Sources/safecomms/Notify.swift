import ArgumentParser
import Foundation
import SafeCommsCore

/// `safecomms notify token`: the bearer token the server sends GOV.UK Notify with each request, signed
/// with `SAFECOMMS_NOTIFY_API_KEY` (a JWT of the service id and the time, HS256 with the key's
/// secret). For checking a key by hand, and for `.ci/run`'s check against Notify's own client.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Work with the GOV.UK Notify key.",
        subcommands: [Token.self]
    )

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Print a fresh GOV.UK Notify bearer token for SAFECOMMS_NOTIFY_API_KEY (valid for 30 seconds)."
        )

        func run() throws {
            guard let text = ProcessInfo.processInfo.environment["SAFECOMMS_NOTIFY_API_KEY"] else {
                FileHandle.standardError.write(
                    Data("safecomms notify token: SAFECOMMS_NOTIFY_API_KEY is not set\n".utf8)
                )
                throw ExitCode(2)
            }
            do {
                print(try NotifyKey(parsing: text, field: "SAFECOMMS_NOTIFY_API_KEY").token())
            } catch {
                FileHandle.standardError.write(Data("safecomms notify token: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
