import ArgumentParser
import Dispatch
import Foundation
import SafeCommsCore
import Synchronization

/// Answers all of stdin as one request, or each line (`--jsonl`); exit status 1 at the end when any
/// request was refused. Lines are read as bytes, so text that is not UTF-8 is refused rather than
/// repaired, and a blank line gets an error answer of its own: answer N is always input line N.
///
/// The lines of each read are answered together and their answers written in one go, in order, as
/// soon as the last is made: a caller driving us line by line gets each answer before it sends the
/// next line, and a file of 20,000 lines costs a few hundred writes rather than 20,000. A read of
/// many lines is shared out across the machine's cores in runs of neighbouring lines (each answer
/// depends on its line alone).
func answerStdin(jsonl: Bool, _ answer: @escaping @Sendable (Data, Int?) -> CheckRunner.Answer) throws {
    var failed = false
    guard jsonl else {
        let a = answer(FileHandle.standardInput.readDataToEndOfFile(), nil)
        FileHandle.standardOutput.write(Data((a.json + "\n").utf8))
        if a.failed { throw ExitCode(1) }
        return
    }
    var number = 0
    var pending: [UInt8] = []
    while true {
        let chunk = FileHandle.standardInput.availableData
        let atEnd = chunk.isEmpty
        pending += chunk
        var lines: [Range<Int>] = []
        var start = 0
        while let nl = pending[start...].firstIndex(of: 0x0A) {
            lines.append(start..<nl)
            start = nl + 1
        }
        if atEnd, start < pending.count { lines.append(start..<pending.count) }
        let batch = JSONLBatch(bytes: pending, lines: lines, firstNumber: number + 1)
        let (out, anyFailed) = batch.answer(answer)
        failed = failed || anyFailed
        if !out.isEmpty { FileHandle.standardOutput.write(Data(out)) }
        number += lines.count
        if atEnd { break }
        pending.removeFirst(start)
    }
    if failed { throw ExitCode(1) }
}

/// The complete lines of one read of stdin, answered in order.
struct JSONLBatch: Sendable {
    let bytes: [UInt8]
    let lines: [Range<Int>]
    /// The line number of `lines[0]` in the whole input (from 1).
    let firstNumber: Int

    /// Fewer lines than this are answered on the reading thread: sharing out costs more than it saves.
    static let smallestShared = 64

    func answer(_ answer: @Sendable (Data, Int?) -> CheckRunner.Answer) -> (bytes: [UInt8], failed: Bool) {
        let workers = lines.count < Self.smallestShared ? 1 : min(ProcessInfo.processInfo.activeProcessorCount, 8)
        guard workers > 1 else { return answerRun(0..<lines.count, answer) }
        let results = Mutex([(bytes: [UInt8], failed: Bool)?](repeating: nil, count: workers))
        let per = (lines.count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let run = answerRun(min(w * per, lines.count)..<min((w + 1) * per, lines.count), answer)
            results.withLock { $0[w] = run }
        }
        return results.withLock { all in
            all.reduce(into: (bytes: [UInt8](), failed: false)) { out, run in
                out.bytes += run?.bytes ?? []
                out.failed = out.failed || run?.failed == true
            }
        }
    }

    /// The answers to `lines[range]`, each followed by a line break.
    func answerRun(
        _ range: Range<Int>,
        _ answer: (Data, Int?) -> CheckRunner.Answer
    ) -> (bytes: [UInt8], failed: Bool) {
        var out: [UInt8] = []
        var failed = false
        for i in range {
            let number = firstNumber + i
            let raw = bytes[lines[i]]
            let line = raw.last == 0x0D ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                failed = true
                out += Decision.errorJSON(
                    id: nil,
                    message: "line \(number): the line is empty; send one JSON request per line"
                )
            } else {
                let a = answer(Data(line), number)
                failed = failed || a.failed
                out += a.json.utf8
            }
            out.append(0x0A)
        }
        return (out, failed)
    }
}
