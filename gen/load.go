package gen

import (
	"context"
	"fmt"
	"go/token"
	"strconv"
	"strings"

	"golang.org/x/tools/go/packages"
)

// loadMode is the minimal mode: the syntax (for the directives) and types
// (for the fields) of the root packages; dependencies come from export
// data.
const loadMode = packages.NeedName | packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes

// load runs one packages.Load for all patterns, with the routigen build tag
// so that generated files (//go:build !routigen) stay out.
func load(ctx context.Context, cfg Config, patterns []string) ([]*packages.Package, error) {
	tags := []string{BuildTag}
	for _, t := range cfg.Tags {
		tags = append(tags, strings.FieldsFunc(t, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	lc := &packages.Config{
		Context:    ctx,
		Mode:       loadMode,
		Dir:        cfg.Dir,
		Env:        cfg.Env,
		BuildFlags: []string{"-tags=" + strings.Join(tags, ",")},
	}
	pkgs, err := packages.Load(lc, patterns...)
	if err != nil {
		return nil, fmt.Errorf("routigen: load %s: %w", strings.Join(patterns, " "), err)
	}
	return pkgs, nil
}

// parsePos turns a packages.Error position ("file:line:col", "file:line",
// "file", "-" or "") into a token.Position.
func parsePos(s string) token.Position {
	if s == "" || s == "-" {
		return token.Position{}
	}
	var p token.Position
	rest := s
	nums := []int{}
	for range 2 {
		i := strings.LastIndexByte(rest, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(rest[i+1:])
		if err != nil {
			break
		}
		nums = append([]int{n}, nums...)
		rest = rest[:i]
	}
	p.Filename = rest
	if len(nums) > 0 {
		p.Line = nums[0]
	}
	if len(nums) > 1 {
		p.Column = nums[1]
	}
	return p
}
