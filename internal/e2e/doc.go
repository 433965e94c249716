// Package e2e holds the test that does what the README says, command by
// command, so that the README cannot drift from what works, and the helpers
// it shares with the real golangci-lint build test of analyzer/golangci.
//
// # What runs
//
// TestREADME creates a fresh module in a temporary directory and runs, in
// order and verbatim, every command of the README's Install section and
// tour, with the tour's Go files taken from the README's own code blocks:
// go mod init, go get -tool, go get of the runtime, go generate, go run,
// routigen check and lint, go vet -vettool, go vet -fix -diff and go fix
// -fixtool. It then adds code with one finding per check and runs the same
// commands again, asserting that each check fires where the code says (a
// vet command that silently checks nothing fails the test), that check
// reports a stale generated file and that the fix commands apply the
// suggested fix. The commands of the README's Examples section run in this
// checkout with the exit status the README states. Every command shown in
// the README's sh blocks and Examples section, and every command line of
// `routigen help`, must be one of those the test runs.
//
// # Helpers
//
// NamedCheck holds a diagnostic to the rule every driver keeps (its text
// names exactly one check, once), WantComments reads the expected findings
// from `// want CHECK` comments, and FallThroughProxy is the GOPROXY under
// which a replace directive to this checkout resolves (see below).
//
// # Running it
//
// It takes tens of seconds, so it runs only when ROUTIGEN_E2E is set, as
// .ci/run sets it:
//
//	ROUTIGEN_E2E=1 go test ./internal/e2e
//
// The temporary module reaches this checkout through a replace directive.
// Resolving it needs a module proxy that answers 404 for unknown paths; one
// that answers 403 stops the lookup, so the test lets it fall through to
// "off" (GOPROXY="<proxy>|off"), after which the replacement stands.
package e2e
