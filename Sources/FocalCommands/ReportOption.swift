import ArgumentParser
import FocalReport

/// `--report DIR`, shared by the commands that produce results.
struct ReportOption: ParsableArguments {
    @Option(name: .customLong("report"), help: ArgumentHelp("Write an HTML report (DIR/index.html and DIR/images/) into this folder.", valueName: "DIR"))
    var folder: String?

    /// Builds the page with the folder (for its pictures), writes it, and says
    /// where: on stdout, or on stderr when stdout carries JSON.
    func write(json: Bool, _ page: (ReportFolder) throws -> ReportPage) throws {
        guard let folder else { return }
        let reportFolder = try ReportFolder(path: folder)
        let path = try reportFolder.write(try page(reportFolder))
        if json { warn("report: \(path)") } else { print("report: \(path)") }
    }
}
