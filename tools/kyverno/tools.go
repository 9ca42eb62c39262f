//go:build tools

// Package tools records the Kyverno commands this module builds as its dependencies, so
// `go mod tidy` keeps everything their `go build` needs in go.mod/go.sum.
package tools

import (
	_ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"
	_ "github.com/kyverno/kyverno/cmd/kyverno"
	_ "github.com/kyverno/kyverno/cmd/reports-controller"
)
