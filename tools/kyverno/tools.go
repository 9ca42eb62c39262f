//go:build tools

// Package tools records the Kyverno CLI as a dependency of this module, so `go mod tidy` keeps
// everything `go build github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno` needs in go.mod/go.sum.
package tools

import (
	_ "github.com/kyverno/kyverno/cmd/cli/kubectl-kyverno"
)
