// The seed article's program ("Using AWS Cognito App Client Secret Hash with Go",
// DEV Community) on the AWS SDK for Go v1, as it was written, completed so that it
// compiles: session.Must, cognitoidentityprovider.New, InitiateAuth with
// USER_PASSWORD_AUTH.
//
// The AWS SDK for Go v1 is past its end of support (maintenance mode from
// 31 July 2024, end of support 31 July 2025: no more fixes, not even for
// security). Do not start anything new on it: ../go/main.go is the same sign-in
// on the AWS SDK for Go v2. This copy is kept so that the article's story can be
// replayed, and checked in CI against the local Cognito:
//
//	SNIPPET_MISTAKE=raw go run . signin   # the article's first try: the raw client secret
//	                                      # -> NotAuthorizedException: Unable to verify secret hash for client <id>
//	go run . signin                       # the HMAC: signed in: got tokens
//	go run . hash                         # print the SECRET_HASH only
//
// Any other SNIPPET_MISTAKE value is refused (exit 2): unset, it runs the right code.
//
// The article hard-coded the ids and the password as constants; here they come from
// the environment, like every snippet: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
// COGNITO_ENDPOINT_URL. It prints the outcome, never a token.
package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/cognitoidentityprovider"
)

// mistake says whether SNIPPET_MISTAKE switches on this snippet's mistake (name);
// another value is refused, so a typo never runs the right code by surprise.
func mistake(name string) bool {
	v := os.Getenv("SNIPPET_MISTAKE")
	if v != "" && v != name {
		fmt.Fprintf(os.Stderr, "error: SNIPPET_MISTAKE=%s is not known here: this snippet shows SNIPPET_MISTAKE=%s (see its header); unset SNIPPET_MISTAKE for the right hash\n", v, name)
		os.Exit(2)
	}
	return v == name
}

func mustEnv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "error: set %s\n", name)
		os.Exit(2)
	}
	return v
}

// secretHash is the article's fix: base64 of HMAC-SHA256(key = client secret, msg = username + client id).
func secretHash(username, clientID, clientSecret string) string {
	if mistake("raw") {
		return clientSecret // WRONG: the article's first try, the app client secret itself
	}
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func main() {
	clientID := mustEnv("COGNITO_CLIENT_ID")
	clientSecret := mustEnv("COGNITO_CLIENT_SECRET")
	username := mustEnv("COGNITO_USERNAME")

	mode := "hash"
	if len(os.Args) > 1 {
		mode = os.Args[1]
	}
	switch mode {
	case "hash":
		fmt.Println(secretHash(username, clientID, clientSecret))
		return
	case "signin":
	default:
		fmt.Fprintln(os.Stderr, "usage: go run . [hash|signin]")
		os.Exit(2)
	}

	conf := &aws.Config{Region: aws.String(mustEnv("AWS_REGION"))}
	if url := os.Getenv("COGNITO_ENDPOINT_URL"); url != "" {
		conf.Endpoint = aws.String(url) // unset: the real regional endpoint
	}
	sess := session.Must(session.NewSession(conf))

	cognitoClient := cognitoidentityprovider.New(sess)

	authTry := &cognitoidentityprovider.InitiateAuthInput{
		AuthFlow: aws.String("USER_PASSWORD_AUTH"),
		AuthParameters: map[string]*string{
			"USERNAME":    aws.String(username),
			"PASSWORD":    aws.String(mustEnv("COGNITO_PASSWORD")),
			"SECRET_HASH": aws.String(secretHash(username, clientID, clientSecret)),
		},
		ClientId: aws.String(clientID),
	}

	res, err := cognitoClient.InitiateAuth(authTry)
	if err != nil {
		if aerr, ok := err.(awserr.Error); ok {
			fmt.Printf("%s: %s\n", aerr.Code(), aerr.Message())
		} else {
			fmt.Printf("error: %v\n", err)
		}
		os.Exit(1)
	}
	if res.AuthenticationResult != nil {
		fmt.Println("signed in: got tokens")
	} else {
		fmt.Printf("challenge: %s\n", aws.StringValue(res.ChallengeName))
	}
}
