// Package guide reads the commands and files a Markdown guide shows, so that
// the tests that follow a guide run what it says, as written, and cannot
// drift from it.
package guide

import (
	"regexp"
	"strings"
)

// Block is one fenced code block: its language and its lines, as written.
type Block struct {
	Lang string
	Text string
}

// Blocks are all the fenced code blocks of doc, in order.
func Blocks(doc string) []Block {
	return blocksFrom(strings.Split(doc, "\n"), 0, false)
}

// BlocksAfter are the fenced code blocks of doc from the first line that
// contains marker up to the next heading of any level, in order. ok is false
// when no line contains marker.
func BlocksAfter(doc, marker string) (blocks []Block, ok bool) {
	lines := strings.Split(doc, "\n")
	for i, line := range lines {
		if strings.Contains(line, marker) {
			return blocksFrom(lines, i, true), true
		}
	}
	return nil, false
}

// blocksFrom are the fenced code blocks of lines from start on, up to the
// next heading after start when toHeading.
func blocksFrom(lines []string, start int, toHeading bool) []Block {
	var blocks []Block
	var current *Block
	var body []string
	for i := start; i < len(lines); i++ {
		line := lines[i]
		trimmed := strings.TrimSpace(line)
		switch {
		case toHeading && current == nil && i > start && strings.HasPrefix(line, "#"):
			return blocks // the next heading
		case current == nil && strings.HasPrefix(trimmed, "```"):
			current, body = &Block{Lang: strings.TrimPrefix(trimmed, "```")}, nil
		case current != nil && trimmed == "```":
			current.Text = strings.Join(body, "\n") + "\n"
			blocks = append(blocks, *current)
			current = nil
		case current != nil:
			body = append(body, line)
		}
	}
	return blocks
}

// Commands are the command lines of the blocks of one language, in order:
// every line but blank ones and whole-line comments. A trailing comment
// stays: the shell ignores it.
func Commands(blocks []Block, lang string) []string {
	var commands []string
	for _, b := range blocks {
		if b.Lang != lang {
			continue
		}
		for _, line := range strings.Split(b.Text, "\n") {
			if trimmed := strings.TrimSpace(line); trimmed != "" && !strings.HasPrefix(trimmed, "#") {
				commands = append(commands, trimmed)
			}
		}
	}
	return commands
}

// stackFileTitle is the first line of a YAML block that shows a stack file
// whole: "# Pulumi.<stack>.yaml: what it is".
var stackFileTitle = regexp.MustCompile(`^# Pulumi\.([A-Za-z0-9_.-]+)\.yaml\b`)

// StackFiles are the stack files the YAML blocks show whole, by stack name:
// each block whose first line names its file.
func StackFiles(blocks []Block) map[string]string {
	files := map[string]string{}
	for _, b := range blocks {
		if b.Lang != "yaml" {
			continue
		}
		first, _, _ := strings.Cut(b.Text, "\n")
		if m := stackFileTitle.FindStringSubmatch(first); m != nil {
			files[m[1]] = b.Text
		}
	}
	return files
}
