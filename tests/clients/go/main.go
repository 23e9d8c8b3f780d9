// The AWS SDK for Go v2 against the local Cognito, for tests/test_clients_matrix.py.
//
// Settings come from the environment (the --env-file of `python -m cognito_helpers local
// --demo`): COGNITO_ENDPOINT_URL, AWS_REGION, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD. Each result is one JSON line on stdout; tokens,
// secrets and codes are never printed, only whether they were there.
//
//	go run . keepalive 5000   # N calls in a row: transport errors and reused connections
//	go run . cases            # the matrix cases (sign-in, wrong hash, validation, sign-up + code)
package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/aws/smithy-go"
)

func secretHash(username, clientID, clientSecret string) string {
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(username + clientID))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func mustEnv(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "error: set %s\n", name)
		os.Exit(2)
	}
	return v
}

func emit(v map[string]any) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

// apiError splits an SDK error into (code, message); transport errors have no API code.
func apiError(err error) (string, string) {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode(), ae.ErrorMessage()
	}
	return "", err.Error()
}

func newClient(ctx context.Context) *cip.Client {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = aws.String(mustEnv("COGNITO_ENDPOINT_URL"))
		// no retries: a lost call must show, not be hidden by a second attempt
		o.RetryMaxAttempts = 1
	})
}

func keepalive(ctx context.Context, n int) {
	client := newClient(ctx)
	clientID, secret := mustEnv("COGNITO_CLIENT_ID"), mustEnv("COGNITO_CLIENT_SECRET")
	username, password := mustEnv("COGNITO_USERNAME"), mustEnv("COGNITO_PASSWORD")
	var newConns, reused atomic.Int64
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if info.Reused {
			reused.Add(1)
		} else {
			newConns.Add(1)
		}
	}}
	tctx := httptrace.WithClientTrace(ctx, trace)
	transportErrors, wrongAnswers := 0, 0
	firstError := ""
	start := time.Now()
	for i := 0; i < n; i++ {
		// a mix of successes and error answers (a body on the error path too)
		hash := secretHash(username, clientID, secret)
		wantError := i%3 == 2
		if wantError {
			hash = secretHash(username+"x", clientID, secret)
		}
		out, err := client.InitiateAuth(tctx, &cip.InitiateAuthInput{
			ClientId: aws.String(clientID),
			AuthFlow: types.AuthFlowTypeUserPasswordAuth,
			AuthParameters: map[string]string{
				"USERNAME": username, "PASSWORD": password, "SECRET_HASH": hash,
			},
		})
		switch {
		case err != nil:
			code, msg := apiError(err)
			if code == "" {
				transportErrors++
				if firstError == "" {
					firstError = fmt.Sprintf("call %d: %s", i, msg)
				}
			} else if !wantError || code != "NotAuthorizedException" {
				wrongAnswers++
			}
		case wantError || out.AuthenticationResult == nil || aws.ToString(out.AuthenticationResult.AccessToken) == "":
			wrongAnswers++
		}
	}
	emit(map[string]any{
		"case": "keepalive", "calls": n, "transport_errors": transportErrors,
		"wrong_answers": wrongAnswers, "first_error": firstError,
		"new_connections": newConns.Load(), "reused_connections": reused.Load(),
		"seconds": time.Since(start).Seconds(),
	})
}

// outboxCode reads the newest code of a kind for username from the local Cognito's
// loopback endpoint, as any program outside the server's process can.
func outboxCode(username, kind string) (string, error) {
	endpoint := mustEnv("COGNITO_ENDPOINT_URL") + "/_local/outbox?username=" + url.QueryEscape(username)
	resp, err := http.Get(endpoint)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return "", fmt.Errorf("outbox: HTTP %d: %s", resp.StatusCode, body)
	}
	var box struct {
		Messages []struct {
			Kind string `json:"kind"`
			Code string `json:"code"`
		} `json:"messages"`
	}
	if err := json.Unmarshal(body, &box); err != nil {
		return "", err
	}
	for i := len(box.Messages) - 1; i >= 0; i-- {
		if box.Messages[i].Kind == kind {
			return box.Messages[i].Code, nil
		}
	}
	return "", fmt.Errorf("outbox: no %s code for %s", kind, username)
}

func result(name string, err error, extra map[string]any) {
	v := map[string]any{"case": name, "code": "", "message": ""}
	if err != nil {
		v["code"], v["message"] = apiError(err)
	}
	for k, x := range extra {
		v[k] = x
	}
	emit(v)
}

func cases(ctx context.Context) {
	client := newClient(ctx)
	clientID, secret := mustEnv("COGNITO_CLIENT_ID"), mustEnv("COGNITO_CLIENT_SECRET")
	username, password := mustEnv("COGNITO_USERNAME"), mustEnv("COGNITO_PASSWORD")

	out, err := client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{
			"USERNAME": username, "PASSWORD": password,
			"SECRET_HASH": secretHash(username, clientID, secret),
		},
	})
	result("signin", err, map[string]any{"tokens": err == nil && out.AuthenticationResult != nil &&
		aws.ToString(out.AuthenticationResult.IdToken) != ""})

	_, err = client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{
			"USERNAME": username, "PASSWORD": password,
			"SECRET_HASH": secretHash(username, clientID, secret+"x"),
		},
	})
	result("wrong_hash", err, nil)

	_, err = client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": username, "PASSWORD": password},
	})
	result("no_hash", err, nil)

	newUser := "go-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	good := secretHash(newUser, clientID, secret)
	urlsafe := strings.NewReplacer("+", "-", "/", "_").Replace(good)
	if !strings.Contains(urlsafe, "-") { // '_' fits [\w+=/]+: only a '-' breaks the pattern
		urlsafe = "-" + urlsafe[1:]
	}
	attrs := []types.AttributeType{{Name: aws.String("email"), Value: aws.String(newUser + "@example.com")}}
	_, err = client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(newUser), Password: aws.String(password),
		SecretHash: aws.String(urlsafe), UserAttributes: attrs,
	})
	result("signup_urlsafe_hash", err, nil)

	_, err = client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(newUser), Password: aws.String("short"),
		SecretHash: aws.String(good), UserAttributes: attrs,
	})
	result("signup_short_password", err, nil)

	_, err = client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(newUser), Password: aws.String(password),
		SecretHash: aws.String(good), UserAttributes: attrs,
	})
	result("signup", err, nil)

	_, err = client.SignUp(ctx, &cip.SignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(newUser), Password: aws.String(password),
		SecretHash: aws.String(good), UserAttributes: attrs,
	})
	result("signup_again", err, nil)

	code, cerr := outboxCode(newUser, "SIGN_UP")
	if cerr != nil {
		result("confirm_signup", cerr, nil)
		return
	}
	_, err = client.ConfirmSignUp(ctx, &cip.ConfirmSignUpInput{
		ClientId: aws.String(clientID), Username: aws.String(newUser),
		ConfirmationCode: aws.String(code), SecretHash: aws.String(good),
	})
	result("confirm_signup", err, nil)

	out, err = client.InitiateAuth(ctx, &cip.InitiateAuthInput{
		ClientId: aws.String(clientID), AuthFlow: types.AuthFlowTypeUserPasswordAuth,
		AuthParameters: map[string]string{"USERNAME": newUser, "PASSWORD": password, "SECRET_HASH": good},
	})
	result("signin_new_user", err, map[string]any{"tokens": err == nil && out.AuthenticationResult != nil})
}

func main() {
	ctx := context.Background()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go run . keepalive N | cases")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "keepalive":
		n := 5000
		if len(os.Args) > 2 {
			var err error
			if n, err = strconv.Atoi(os.Args[2]); err != nil || n < 1 {
				fmt.Fprintln(os.Stderr, "error: N must be a positive integer")
				os.Exit(2)
			}
		}
		keepalive(ctx, n)
	case "cases":
		cases(ctx)
	default:
		fmt.Fprintln(os.Stderr, "usage: go run . keepalive N | cases")
		os.Exit(2)
	}
}
