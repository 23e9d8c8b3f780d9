// A standard OpenID Connect relying party, written the way these libraries' own
// documentation shows, pointed at the local Cognito with nothing changed:
// golang.org/x/oauth2 and github.com/coreos/go-oidc/v3. tests/test_oidc_clients.py runs it.
//
// It reads the demo pool's settings (the demo.env of `python -m cognito_helpers local
// --demo --env-file`) from the environment and prints one JSON object per step:
// {"step": ..., "ok": true|false, "detail": ...}. No token or secret is printed.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

type result struct {
	Step   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"`
}

func report(step string, err error, detail string) bool {
	r := result{Step: step, OK: err == nil, Detail: detail}
	if err != nil {
		r.Detail = err.Error()
	}
	line, _ := json.Marshal(r)
	fmt.Println(string(line))
	return err == nil
}

func env(name string) string {
	value := os.Getenv(name)
	if value == "" {
		fmt.Fprintf(os.Stderr, "oidc-go: %s is not set (run with the demo pool's demo.env)\n", name)
		os.Exit(2)
	}
	return value
}

var hidden = regexp.MustCompile(`name="([^"]+)" value="([^"]*)"`)
var action = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)

// signIn does what a person's browser does on the managed login page: follow authorize
// to the sign-in page, fill in the form, and stop at the redirect to the app's callback.
func signIn(authURL, username, password string) (*url.URL, error) {
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if strings.Contains(req.URL.Path, "/login") {
				return nil
			}
			return http.ErrUseLastResponse // the app's callback: stop there
		},
	}
	resp, err := browser.Get(authURL)
	if err != nil {
		return nil, err
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	form := action.FindSubmatch(page)
	if form == nil {
		return nil, fmt.Errorf("no sign-in form (HTTP %d)", resp.StatusCode)
	}
	target, err := resp.Request.URL.Parse(html.UnescapeString(string(form[1])))
	if err != nil {
		return nil, err
	}
	fields := url.Values{}
	for _, m := range hidden.FindAllSubmatch(page, -1) {
		fields.Set(string(m[1]), html.UnescapeString(string(m[2])))
	}
	fields.Set("username", username)
	fields.Set("password", password)
	resp, err = browser.PostForm(target.String(), fields)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	location := resp.Header.Get("Location")
	if location == "" {
		return nil, fmt.Errorf("the sign-in did not redirect (HTTP %d)", resp.StatusCode)
	}
	return url.Parse(location)
}

func main() {
	ctx := context.Background()
	issuer := env("COGNITO_ISSUER")
	clientID, clientSecret := env("COGNITO_CLIENT_ID"), env("COGNITO_CLIENT_SECRET")

	// 1. Discovery: go-oidc refuses a document whose issuer is not the URL it fetched.
	provider, err := oidc.NewProvider(ctx, issuer)
	if !report("discovery", err, issuer) {
		os.Exit(1)
	}
	config := oauth2.Config{
		ClientID:     clientID,
		ClientSecret: clientSecret,
		Endpoint:     provider.Endpoint(),
		RedirectURL:  env("COGNITO_OAUTH_CALLBACK_URL"),
		Scopes:       []string{oidc.ScopeOpenID, "email"},
	}
	// 2. The code grant with PKCE (S256) and a nonce, through the sign-in page.
	verifier := oauth2.GenerateVerifier()
	authURL := config.AuthCodeURL("state-1", oauth2.S256ChallengeOption(verifier), oidc.Nonce("nonce-1"))
	callback, err := signIn(authURL, env("COGNITO_USERNAME"), env("COGNITO_PASSWORD"))
	if err == nil && callback.Query().Get("state") != "state-1" {
		err = fmt.Errorf("state %q came back", callback.Query().Get("state"))
	}
	if !report("authorize", err, "") {
		os.Exit(1)
	}
	token, err := config.Exchange(ctx, callback.Query().Get("code"), oauth2.VerifierOption(verifier))
	if !report("exchange", err, "") {
		os.Exit(1)
	}
	// 3. The ID token: signature (JWKS from discovery), iss, aud, expiry, then nonce and at_hash.
	rawID, _ := token.Extra("id_token").(string)
	idVerifier := provider.Verifier(&oidc.Config{ClientID: clientID})
	idToken, err := idVerifier.Verify(ctx, rawID)
	if !report("verify_id_token", err, "") {
		os.Exit(1)
	}
	if idToken.Nonce != "nonce-1" {
		err = fmt.Errorf("nonce %q", idToken.Nonce)
	}
	report("nonce", err, "")
	report("at_hash", idToken.VerifyAccessToken(token.AccessToken), idToken.AccessTokenHash)
	wrong := idToken.VerifyAccessToken(token.AccessToken + "x")
	if wrong == nil {
		report("at_hash_refuses_another_token", errors.New("a different access token was accepted"), "")
	} else {
		report("at_hash_refuses_another_token", nil, wrong.Error())
	}
	var claims struct {
		Email    string `json:"email"`
		Username string `json:"cognito:username"`
	}
	err = idToken.Claims(&claims)
	report("id_claims", err, claims.Username+" "+claims.Email)
	// 4. userInfo with the access token.
	info, err := provider.UserInfo(ctx, oauth2.StaticTokenSource(token))
	detail := ""
	if err == nil {
		detail = info.Email
		if info.Subject != idToken.Subject {
			err = fmt.Errorf("userInfo sub %q, ID token sub %q", info.Subject, idToken.Subject)
		}
	}
	report("userinfo", err, detail)
	// 5. Refresh: x/oauth2 refreshes an expired token with the refresh_token grant.
	expired := &oauth2.Token{RefreshToken: token.RefreshToken, Expiry: time.Now().Add(-time.Hour)}
	fresh, err := config.TokenSource(ctx, expired).Token()
	if err == nil {
		raw, _ := fresh.Extra("id_token").(string)
		var again *oidc.IDToken
		again, err = idVerifier.Verify(ctx, raw)
		if err == nil {
			err = again.VerifyAccessToken(fresh.AccessToken)
		}
	}
	report("refresh", err, "")
	// 6. Machine to machine: the client_credentials grant.
	m2m := clientcredentials.Config{
		ClientID:     env("COGNITO_M2M_CLIENT_ID"),
		ClientSecret: env("COGNITO_M2M_CLIENT_SECRET"),
		TokenURL:     provider.Endpoint().TokenURL,
		Scopes:       []string{env("COGNITO_RESOURCE_SCOPE")},
	}
	machine, err := m2m.Token(ctx)
	if err == nil && machine.TokenType != "Bearer" {
		err = fmt.Errorf("token_type %q", machine.TokenType)
	}
	report("client_credentials", err, "")
	// 7. go-oidc's own rule, the other way round: the same document fetched under another
	// name of this host does not match its issuer, and is refused.
	other := strings.Replace(issuer, "127.0.0.1", "localhost", 1)
	_, err = oidc.NewProvider(ctx, other)
	if err == nil {
		report("issuer_mismatch_refused", errors.New("a document fetched at another URL was accepted"), "")
	} else {
		report("issuer_mismatch_refused", nil, err.Error())
	}
}
