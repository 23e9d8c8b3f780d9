# Cognito SECRET_HASH with OpenSSL, and a USER_PASSWORD_AUTH sign-in with the
# AWS SDK for Ruby v3 (gem "aws-sdk-cognitoidentityprovider").
#
#   SECRET_HASH = base64( HMAC-SHA256( key = client secret, msg = username + client id ) )
#
# Everything comes from the environment: COGNITO_CLIENT_ID, COGNITO_CLIENT_SECRET,
# COGNITO_USERNAME, COGNITO_PASSWORD, AWS_REGION and, for a local Cognito,
# COGNITO_ENDPOINT_URL.
#
#   ruby signin.rb hash     # print the SECRET_HASH only (standard library only)
#   ruby signin.rb signin   # call InitiateAuth; prints the outcome, never a token
#
# SNIPPET_MISTAKE=newline shows Ruby's own trap: Base64.encode64 (pack("m"))
# appends a newline; strict_encode64 (pack("m0")) does not. Any other SNIPPET_MISTAKE
# value is refused (exit 2): unset, it runs the right code.
require "openssl"

# mistake(name): does SNIPPET_MISTAKE switch on this snippet's mistake? Another value is refused.
def mistake(name)
  value = ENV.fetch("SNIPPET_MISTAKE", "")
  unless ["", name].include?(value)
    warn "error: SNIPPET_MISTAKE=#{value} is not known here: this snippet shows SNIPPET_MISTAKE=#{name} (see its header); unset SNIPPET_MISTAKE for the right hash"
    exit 2
  end
  value == name
end

def secret_hash(username, client_id, client_secret)
  mac = OpenSSL::HMAC.digest("SHA256", client_secret, username + client_id)
  return [mac].pack("m") if mistake("newline") # WRONG: ends in "\n"

  [mac].pack("m0") # = Base64.strict_encode64(mac)
end

def env(name)
  value = ENV.fetch(name, "")
  abort "error: set #{name}" if value.empty?
  value
end

def sign_in(client_id, client_secret, username)
  require "aws-sdk-cognitoidentityprovider"

  options = {}
  options[:endpoint] = ENV["COGNITO_ENDPOINT_URL"] if ENV["COGNITO_ENDPOINT_URL"]
  client = Aws::CognitoIdentityProvider::Client.new(**options) # region from AWS_REGION
  out = client.initiate_auth(
    auth_flow: "USER_PASSWORD_AUTH",
    client_id: client_id,
    auth_parameters: {
      "USERNAME" => username,
      "PASSWORD" => env("COGNITO_PASSWORD"),
      "SECRET_HASH" => secret_hash(username, client_id, client_secret),
    },
  )
  puts out.authentication_result ? "signed in: got tokens" : "challenge: #{out.challenge_name}"
  0
rescue Aws::CognitoIdentityProvider::Errors::ServiceError => e
  puts "#{e.code}: #{e.message}"
  1
end

client_id = env("COGNITO_CLIENT_ID")
client_secret = env("COGNITO_CLIENT_SECRET")
username = env("COGNITO_USERNAME")

case ARGV.fetch(0, "hash")
when "hash" then print secret_hash(username, client_id, client_secret), "\n"
when "signin" then exit sign_in(client_id, client_secret, username)
else abort "usage: ruby signin.rb [hash|signin]"
end
