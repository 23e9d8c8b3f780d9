package lab;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.AccessTokenHash;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.AccessTokenValidator;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Nimbus oauth2-oidc-sdk as its documentation shows it, against the local Cognito's demo pool
 * (the environment of `python -m cognito_helpers local --demo --env-file`). One JSON line per
 * step: {"step": ..., "ok": true|false, "detail": ...}. No token or secret is printed.
 */
public final class Main {
  private static void report(String step, Exception error, String detail) {
    String text = error == null ? detail : error.getClass().getSimpleName() + ": " + error.getMessage();
    System.out.println("{\"step\":\"" + step + "\",\"ok\":" + (error == null) + ",\"detail\":\""
        + (text == null ? "" : text.replace("\\", "\\\\").replace("\"", "\\\"")) + "\"}");
  }

  private static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      System.err.println("oidc-java: " + name + " is not set (run with the demo pool's demo.env)");
      System.exit(2);
    }
    return value;
  }

  private static String unescape(String s) {
    return s.replace("&quot;", "\"").replace("&#x27;", "'").replace("&#39;", "'")
        .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
  }

  /** What a browser does on the sign-in page: follow authorize, fill in the form, stop at the callback. */
  private static URI signIn(URI authorize, String username, String password) throws Exception {
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    URI at = authorize;
    HttpResponse<String> page = null;
    for (int i = 0; i < 3; i++) {
      page = browser.send(HttpRequest.newBuilder(at).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      String location = page.headers().firstValue("Location").orElse(null);
      if (location == null) break;
      at = at.resolve(location);
    }
    Matcher form = Pattern.compile("<form[^>]*action=\"([^\"]+)\"").matcher(page.body());
    if (!form.find()) throw new IllegalStateException("no sign-in form (HTTP " + page.statusCode() + ")");
    Map<String, String> fields = new LinkedHashMap<>();
    Matcher hidden = Pattern.compile("name=\"([^\"]+)\" value=\"([^\"]*)\"").matcher(page.body());
    while (hidden.find()) fields.put(hidden.group(1), unescape(hidden.group(2)));
    fields.put("username", username);
    fields.put("password", password);
    StringBuilder body = new StringBuilder();
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (body.length() > 0) body.append('&');
      body.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
          .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
    }
    HttpResponse<String> posted = browser.send(
        HttpRequest.newBuilder(at.resolve(unescape(form.group(1))))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
        HttpResponse.BodyHandlers.ofString());
    String location = posted.headers().firstValue("Location")
        .orElseThrow(() -> new IllegalStateException("the sign-in did not redirect"));
    return URI.create(location);
  }

  public static void main(String[] args) throws Exception {
    Issuer issuer = new Issuer(env("COGNITO_ISSUER"));
    ClientID clientID = new ClientID(env("COGNITO_CLIENT_ID"));
    Secret secret = new Secret(env("COGNITO_CLIENT_SECRET"));
    URI callback = URI.create(env("COGNITO_OAUTH_CALLBACK_URL"));
    // 1. Discovery: Nimbus refuses metadata whose issuer is not the one it was asked for.
    OIDCProviderMetadata op;
    try {
      op = OIDCProviderMetadata.resolve(issuer);
      report("discovery", null, op.getIssuer().getValue());
    } catch (Exception e) {
      report("discovery", e, null);
      System.exit(1);
      return;
    }
    // 2. The code grant with PKCE (S256) and a nonce.
    CodeVerifier verifier = new CodeVerifier();
    Nonce nonce = new Nonce();
    State state = new State();
    AuthenticationRequest request = new AuthenticationRequest.Builder(
        new ResponseType("code"), new Scope("openid", "email"), clientID, callback)
        .endpointURI(op.getAuthorizationEndpointURI()).state(state).nonce(nonce)
        .codeChallenge(verifier, CodeChallengeMethod.S256).build();
    AuthorizationCode code;
    try {
      URI back = signIn(request.toURI(), env("COGNITO_USERNAME"), env("COGNITO_PASSWORD"));
      Map<String, String> query = new LinkedHashMap<>();
      for (String pair : back.getRawQuery().split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(kv[0], java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "", StandardCharsets.UTF_8));
      }
      if (!state.getValue().equals(query.get("state"))) throw new IllegalStateException("state changed");
      code = new AuthorizationCode(query.get("code"));
      report("authorize", null, null);
    } catch (Exception e) {
      report("authorize", e, null);
      System.exit(1);
      return;
    }
    OIDCTokenResponse tokens;
    try {
      TokenResponse answer = OIDCTokenResponseParser.parse(new TokenRequest(
          op.getTokenEndpointURI(), new ClientSecretBasic(clientID, secret),
          new AuthorizationCodeGrant(code, callback, verifier)).toHTTPRequest().send());
      if (!answer.indicatesSuccess()) {
        throw new IllegalStateException(answer.toErrorResponse().getErrorObject().toString());
      }
      tokens = (OIDCTokenResponse) answer.toSuccessResponse();
      report("exchange", null, null);
    } catch (Exception e) {
      report("exchange", e, null);
      System.exit(1);
      return;
    }
    // 3. The ID token against the JWKS that discovery names: signature, iss, aud, exp, nonce.
    JWT idToken = tokens.getOIDCTokens().getIDToken();
    AccessToken access = tokens.getOIDCTokens().getAccessToken();
    IDTokenClaimsSet claims = null;
    try {
      IDTokenValidator validator = new IDTokenValidator(issuer, clientID, JWSAlgorithm.RS256,
          op.getJWKSetURI().toURL());
      claims = validator.validate(idToken, nonce);
      report("verify_id_token", null, claims.getSubject().getValue());
    } catch (Exception e) {
      report("verify_id_token", e, null);
    }
    // 4. at_hash: the access token issued with the ID token.
    try {
      AccessTokenHash hash = claims == null ? null : claims.getAccessTokenHash();
      if (hash == null) throw new IllegalStateException("the ID token has no at_hash");
      AccessTokenValidator.validate(access, JWSAlgorithm.RS256, hash);
      report("at_hash", null, hash.getValue());
      try {
        AccessTokenValidator.validate(new BearerAccessToken(access.getValue() + "x"),
            JWSAlgorithm.RS256, hash);
        report("at_hash_refuses_another_token", new IllegalStateException("accepted"), null);
      } catch (Exception refused) {
        report("at_hash_refuses_another_token", null, refused.getMessage());
      }
    } catch (Exception e) {
      report("at_hash", e, null);
    }
    // 5. userInfo.
    try {
      UserInfoResponse info = UserInfoResponse.parse(
          new UserInfoRequest(op.getUserInfoEndpointURI(), (BearerAccessToken) access)
              .toHTTPRequest().send());
      if (!info.indicatesSuccess()) throw new IllegalStateException(info.toErrorResponse().getErrorObject().toString());
      report("userinfo", null, info.toSuccessResponse().getUserInfo().getEmailAddress());
    } catch (Exception e) {
      report("userinfo", e, null);
    }
    // 6. client_credentials.
    try {
      TokenResponse machine = TokenResponse.parse(new TokenRequest(op.getTokenEndpointURI(),
          new ClientSecretBasic(new ClientID(env("COGNITO_M2M_CLIENT_ID")),
              new Secret(env("COGNITO_M2M_CLIENT_SECRET"))),
          new ClientCredentialsGrant(), new Scope(env("COGNITO_RESOURCE_SCOPE"))).toHTTPRequest().send());
      if (!machine.indicatesSuccess()) throw new IllegalStateException(machine.toErrorResponse().getErrorObject().toString());
      report("client_credentials", null,
          machine.toSuccessResponse().getTokens().getAccessToken().getType().getValue());
    } catch (Exception e) {
      report("client_credentials", e, null);
    }
  }
}
