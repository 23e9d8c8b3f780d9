// The AWS SDK for Go v2 against the local Cognito, for tests/test_clients_matrix.py.
//
// Settings come from the environment (the --env-file of `python -m cognito_helpers local
// --demo`): COGNITO_ENDPOINT_URL, AWS_REGION, COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
// COGNITO_USERNAME, COGNITO_PASSWORD. Each result is one JSON line on stdout; tokens,
// secrets and codes are never printed, only whether they were there.
//
//	go run . keepalive 5000            # N calls in a row: transport errors and reused connections
//	go run . keepalive 5000 own-body   # the same, net/http given a request body of its own (ownBody)
//	go run . reference 5000 [own-body] # keepalive against referenceServer, a plain net/http server
//	go run . cases                     # the matrix cases (sign-in, wrong hash, validation, sign-up + code)
package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
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

// ownBody hands net/http a request body that only net/http reads and closes.
//
// The SDK (smithy-go's ClientHandler) closes the body it gave net/http as soon as
// client.Do returns, that is once the response headers are in. net/http's writeLoop
// may still be in Request.write at that moment: after the last body byte it reads
// the body once more to check that nothing follows Content-Length. smithy-go's
// closed body answers that read (its WriteTo) with io.EOF as an error, net/http
// takes it for a failed request write and closes the connection, under the
// response the SDK is reading: "use of closed network connection" (a 200 answer
// larger than the transport's 4 KiB read buffer), or only a lost connection
// (tests/test_clients_matrix.py, keepalive.py's docstring). A copy of the bytes
// in a bytes.Reader is a body nobody closes early; net/http also sends it with
// the headers in one write. The bytes and the signature are the SDK's, unchanged.
type ownBody struct{ next aws.HTTPClient }

func (c ownBody) Do(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(data))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	}
	return c.next.Do(req)
}

func newClient(ctx context.Context, own bool) *cip.Client {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}
	return cip.NewFromConfig(cfg, func(o *cip.Options) {
		o.BaseEndpoint = aws.String(mustEnv("COGNITO_ENDPOINT_URL"))
		// no retries: a lost call must show, not be hidden by a second attempt
		o.RetryMaxAttempts = 1
		if own {
			o.HTTPClient = ownBody{next: o.HTTPClient}
		}
	})
}

func keepalive(ctx context.Context, n int, own bool, server string) {
	client := newClient(ctx, own)
	clientID, secret := mustEnv("COGNITO_CLIENT_ID"), mustEnv("COGNITO_CLIENT_SECRET")
	username, password := mustEnv("COGNITO_USERNAME"), mustEnv("COGNITO_PASSWORD")
	var newConns, reused, writeErrors atomic.Int64
	var writeErrorMu sync.Mutex
	firstWriteError := ""
	trace := &httptrace.ClientTrace{
		GotConn: func(info httptrace.GotConnInfo) {
			if info.Reused {
				reused.Add(1)
			} else {
				newConns.Add(1)
			}
		},
		// net/http closes the connection after a failed request write (its writeLoop);
		// this runs on that goroutine, with the error Request.write returned.
		WroteRequest: func(info httptrace.WroteRequestInfo) {
			if info.Err != nil {
				writeErrors.Add(1)
				writeErrorMu.Lock()
				if firstWriteError == "" {
					firstWriteError = info.Err.Error()
				}
				writeErrorMu.Unlock()
			}
		},
	}
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
	body := "sdk"
	if own {
		body = "own"
	}
	writeErrorMu.Lock()
	defer writeErrorMu.Unlock()
	emit(map[string]any{
		"case": "keepalive", "server": server, "request_body": body, "calls": n, "transport_errors": transportErrors,
		"wrong_answers": wrongAnswers, "first_error": firstError,
		"new_connections": newConns.Load(), "reused_connections": reused.Load(),
		"request_write_errors": writeErrors.Load(), "first_request_write_error": firstWriteError,
		"seconds": time.Since(start).Seconds(),
	})
}

// referenceServer is InitiateAuth done by Go's own net/http server, nothing else: it
// reads the whole request, checks SECRET_HASH and answers like Cognito, a 200 with
// three tokens (a body the size of the local Cognito's, over 4 KiB) or a 400
// NotAuthorizedException, keep-alive as net/http does it. The same SDK loses the same
// calls against it: the loss does not depend on the server (ownBody).
func referenceServer(clientID, secret string) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	token := strings.Repeat("t", 1400)
	ok, _ := json.Marshal(map[string]any{"ChallengeParameters": map[string]any{}, "AuthenticationResult": map[string]any{
		"AccessToken": token, "IdToken": token, "RefreshToken": token, "ExpiresIn": 3600, "TokenType": "Bearer"}})
	refused, _ := json.Marshal(map[string]string{"__type": "NotAuthorizedException",
		"message": "Unable to verify secret hash for client " + clientID})
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ AuthParameters map[string]string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("x-amzn-RequestId", "00000000-0000-4000-8000-000000000000")
		p := in.AuthParameters
		if !hmac.Equal([]byte(p["SECRET_HASH"]), []byte(secretHash(p["USERNAME"], clientID, secret))) {
			w.Header().Set("x-amzn-ErrorType", "NotAuthorizedException:")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write(refused)
			return
		}
		_, _ = w.Write(ok)
	})
	go func() { _ = http.Serve(ln, handler) }()
	return "http://" + ln.Addr().String(), nil
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
	client := newClient(ctx, false)
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
		fmt.Fprintln(os.Stderr, "usage: go run . keepalive|reference N [own-body] | cases")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "keepalive", "reference":
		n, own := 5000, false
		if len(os.Args) > 2 {
			var err error
			if n, err = strconv.Atoi(os.Args[2]); err != nil || n < 1 {
				fmt.Fprintln(os.Stderr, "error: N must be a positive integer")
				os.Exit(2)
			}
		}
		if len(os.Args) > 3 {
			if os.Args[3] != "own-body" || len(os.Args) > 4 {
				fmt.Fprintln(os.Stderr, "usage: go run . keepalive|reference N [own-body]")
				os.Exit(2)
			}
			own = true
		}
		server := "local"
		if os.Args[1] == "reference" {
			server = "reference"
			// made-up settings: the reference server runs in this process, on loopback
			settings := map[string]string{"COGNITO_CLIENT_ID": "referenceclient", "COGNITO_CLIENT_SECRET": "referencesecret",
				"COGNITO_USERNAME": "reference-user", "COGNITO_PASSWORD": "Reference-Passw0rd!", "AWS_REGION": "us-east-1",
				"AWS_ACCESS_KEY_ID": "AKIAREFERENCEEXAMPLE", "AWS_SECRET_ACCESS_KEY": "reference"}
			for k, v := range settings {
				_ = os.Setenv(k, v)
			}
			endpoint, err := referenceServer(settings["COGNITO_CLIENT_ID"], settings["COGNITO_CLIENT_SECRET"])
			if err != nil {
				fmt.Fprintln(os.Stderr, "error:", err)
				os.Exit(2)
			}
			_ = os.Setenv("COGNITO_ENDPOINT_URL", endpoint)
		}
		keepalive(ctx, n, own, server)
	case "cases":
		cases(ctx)
	default:
		fmt.Fprintln(os.Stderr, "usage: go run . keepalive|reference N [own-body] | cases")
		os.Exit(2)
	}
}
