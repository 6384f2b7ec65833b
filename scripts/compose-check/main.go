// compose-check loads a Compose file with the Compose Specification's own Go loader
// (github.com/compose-spec/compose-go/v2, the library behind `docker compose config`): it
// interpolates variables from the environment and .env, validates against the schema, normalises,
// checks that every reference (depends_on, volumes, networks) resolves, and prints the resulting
// project as JSON. A load error is printed on stderr and exits 1.
//
//	go run . -f ../../docker-compose.yml [-profile load] [-profile embedded]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/compose-spec/compose-go/v2/cli"
)

type profiles []string

func (p *profiles) String() string     { return strings.Join(*p, ",") }
func (p *profiles) Set(v string) error { *p = append(*p, v); return nil }

func main() {
	file := flag.String("f", "docker-compose.yml", "Compose file to load")
	name := flag.String("project-name", "stateless-mcp-on-lambda", "project name (as docker compose -p)")
	var active profiles
	flag.Var(&active, "profile", "profile to enable (repeatable), as docker compose --profile")
	flag.Parse()

	options, err := cli.NewProjectOptions(
		[]string{*file},
		cli.WithName(*name),
		cli.WithOsEnv,
		cli.WithDotEnv,
		cli.WithProfiles(active),
		cli.WithConsistency(true),
		cli.WithResolvedPaths(true),
	)
	if err == nil {
		project, loadErr := cli.ProjectFromOptions(context.Background(), options)
		err = loadErr
		if err == nil {
			out, marshalErr := project.MarshalJSON()
			if err = marshalErr; err == nil {
				fmt.Println(string(out))
				return
			}
		}
	}
	fmt.Fprintf(os.Stderr, "compose-check: %v\n", err)
	os.Exit(1)
}
