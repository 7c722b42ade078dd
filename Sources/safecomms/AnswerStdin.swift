import ArgumentParser
import Foundation
import SafeCommsCore

/// Answers all of stdin as one request, or each line (`--jsonl`); exit status 1 at the end when any
/// request was refused. Lines are read as bytes, so text that is not UTF-8 is refused rather than
/// repaired, and a blank line gets an error answer of its own: answer N is always input line N.
///
/// The lines of each read are answered in order and their answers written in one go: a caller
/// driving us line by line gets each answer before it sends the next line, and a file of 20,000
/// lines costs a handful of writes rather than 20,000. (Sharing a read's lines across two cores was
/// tried: every thread slowed to half speed on the analysers' shared tables, for no gain.)
func answerStdin(jsonl: Bool, _ answer: (Data, Int?) -> CheckRunner.Answer) throws {
    guard jsonl else {
        let a = answer(FileHandle.standardInput.readDataToEndOfFile(), nil)
        FileHandle.standardOutput.write(Data(a.json + [0x0A]))
        if a.failed { throw ExitCode(1) }
        return
    }
    var failed = false
    var number = 0
    var pending: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 1 << 20)
    var out: [UInt8] = []
    func finish(_ raw: ArraySlice<UInt8>) {
        number += 1
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
            out += a.json
        }
        out.append(0x0A)
    }
    while true {
        // read(2) returns what is there, up to a megabyte: a whole file's worth of lines at once, or the
        // one line a caller driving us has sent.
        let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
        if count < 0, errno == EINTR { continue }
        guard count >= 0 else {
            FileHandle.standardError.write(
                Data("safecomms: stdin could not be read (\(String(cString: strerror(errno))))\n".utf8)
            )
            throw ExitCode(2)
        }
        if count == 0 { break }
        pending += buffer[0..<count]
        var start = 0
        while let nl = pending[start...].firstIndex(of: 0x0A) {
            finish(pending[start..<nl])
            start = nl + 1
        }
        pending.removeFirst(start)
        FileHandle.standardOutput.write(Data(out))
        out.removeAll(keepingCapacity: true)
    }
    if !pending.isEmpty { finish(pending[...]) }
    if !out.isEmpty { FileHandle.standardOutput.write(Data(out)) }
    if failed { throw ExitCode(1) }
}
