import ArgumentParser
struct Classify: ParsableCommand {}
struct Embed: ParsableCommand {}
