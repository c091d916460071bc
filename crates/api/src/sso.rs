//! The OpenID Connect side of single sign-on: discovery (cached), the authorization request
//! with PKCE (S256), state and nonce, the code exchange, ID token verification (signature
//! against the provider's keys, issuer, audience, expiry, nonce) and, when the ID token holds
//! no address, the userinfo endpoint. The `openidconnect` crate does the protocol; this module
//! gives it an HTTP client and turns its answers into [`Asserted`].

use leerweek_domain::sso::Asserted;
use leerweek_store::sso::SsoProvider;
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata, CoreUserInfoClaims};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RequestTokenError, Scope,
};
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use uuid::Uuid;

/// How long discovered provider metadata (endpoints and signing keys) is reused.
const METADATA_TTL: Duration = Duration::from_secs(15 * 60);
/// Largest answer read from a provider.
const MAX_RESPONSE: usize = 1024 * 1024;

/// Why a sign-in through the provider failed (before Leerweek's own rules).
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The provider could not be reached, or answered with a server error.
    #[error("provider unavailable: {0}")]
    Unavailable(String),
    /// The provider's answer is unusable: refused code, bad or missing ID token, wrong signature.
    #[error("provider answer rejected: {0}")]
    Rejected(String),
}

impl Failure {
    /// Stable slug, as shown on the sign-in page.
    pub fn slug(&self) -> &'static str {
        match self {
            Failure::Unavailable(_) => "sso-provider-unavailable",
            Failure::Rejected(_) => "sso-token-invalid",
        }
    }
}

/// An authorization request on its way to the provider.
pub struct Started {
    /// Where to send the browser.
    pub url: String,
    /// The `state` parameter.
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// PKCE verifier, kept for the code exchange.
    pub pkce_verifier: String,
}

/// The OpenID client of every organisation's provider, with their metadata cached.
pub struct Sso {
    http: Option<Http>,
    cache: Mutex<HashMap<Uuid, (String, Instant, CoreProviderMetadata)>>,
}

impl Default for Sso {
    fn default() -> Self {
        Self::new()
    }
}

/// reqwest is built without a crypto provider: install ring, as lettre uses (idempotent). Every
/// process that builds a reqwest client calls this first.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Sso {
    /// A client with short timeouts that follows no redirects (the token endpoint must not
    /// bounce a code elsewhere), trusting the system's certificate store.
    pub fn new() -> Self {
        install_crypto_provider();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(10))
            .user_agent("Leerweek")
            .build()
            .map_err(|e| tracing::error!(error = %e, "single sign-on: no HTTP client, sign-in by provider unavailable"))
            .ok()
            .map(Http);
        Self { http, cache: Mutex::new(HashMap::new()) }
    }

    /// Drop the cached metadata of an organisation's provider (its settings changed, or its
    /// keys may have rotated).
    pub fn forget(&self, organisation_id: Uuid) {
        if let Ok(mut c) = self.cache.lock() {
            c.remove(&organisation_id);
        }
    }

    fn http(&self) -> Result<&Http, Failure> {
        self.http.as_ref().ok_or_else(|| Failure::Unavailable("no HTTP client".into()))
    }

    async fn metadata(&self, p: &SsoProvider) -> Result<CoreProviderMetadata, Failure> {
        if let Ok(c) = self.cache.lock()
            && let Some((issuer, at, meta)) = c.get(&p.organisation_id)
            && *issuer == p.issuer
            && at.elapsed() < METADATA_TTL
        {
            return Ok(meta.clone());
        }
        let issuer = IssuerUrl::new(p.issuer.clone()).map_err(|e| Failure::Rejected(format!("issuer: {e}")))?;
        let meta = CoreProviderMetadata::discover_async(issuer, self.http()?).await.map_err(|e| {
            let text = chain(&e);
            match e {
                openidconnect::DiscoveryError::Request(_) => Failure::Unavailable(text),
                _ => Failure::Rejected(format!("discovery: {text}")),
            }
        })?;
        if let Ok(mut c) = self.cache.lock() {
            c.insert(p.organisation_id, (p.issuer.clone(), Instant::now(), meta.clone()));
        }
        Ok(meta)
    }

    fn client(
        meta: CoreProviderMetadata,
        p: &SsoProvider,
        redirect_uri: &str,
    ) -> Result<
        CoreClient<
            openidconnect::EndpointSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointNotSet,
            openidconnect::EndpointMaybeSet,
            openidconnect::EndpointMaybeSet,
        >,
        Failure,
    > {
        let redirect =
            RedirectUrl::new(redirect_uri.to_owned()).map_err(|e| Failure::Rejected(format!("redirect URI: {e}")))?;
        Ok(CoreClient::from_provider_metadata(
            meta,
            ClientId::new(p.client_id.clone()),
            p.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// The authorization request for `p`'s provider, answering to `redirect_uri`.
    pub async fn start(&self, p: &SsoProvider, redirect_uri: &str) -> Result<Started, Failure> {
        let client = Self::client(self.metadata(p).await?, p, redirect_uri)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        Ok(Started {
            url: url.to_string(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
        })
    }

    /// Exchange the code, verify the ID token and read who the provider says this is.
    pub async fn finish(
        &self,
        p: &SsoProvider,
        redirect_uri: &str,
        code: &str,
        pkce_verifier: &str,
        nonce: &str,
    ) -> Result<Asserted, Failure> {
        let client = Self::client(self.metadata(p).await?, p, redirect_uri)?;
        let http = self.http()?;
        let token = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .map_err(|e| Failure::Rejected(format!("token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.to_owned()))
            .request_async(http)
            .await
            .map_err(|e| match &e {
                RequestTokenError::Request(_) => Failure::Unavailable(chain(&e)),
                RequestTokenError::ServerResponse(r) => Failure::Rejected(format!("token endpoint refused: {r}")),
                _ => Failure::Rejected(format!("token endpoint: {}", chain(&e))),
            })?;
        let id_token =
            token.extra_fields().id_token().ok_or_else(|| Failure::Rejected("the answer holds no ID token".into()))?;
        let claims = id_token.claims(&client.id_token_verifier(), &Nonce::new(nonce.to_owned())).map_err(|e| {
            // The provider may have rotated its keys: discover afresh next time.
            self.forget(p.organisation_id);
            Failure::Rejected(format!("ID token: {}", chain(&e)))
        })?;
        let mut asserted = Asserted {
            subject: claims.subject().to_string(),
            email: claims.email().map(|e| e.to_string()),
            email_verified: claims.email_verified(),
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
        };
        // Strictly conforming providers put e-mail and name in userinfo only.
        if asserted.email.is_none()
            && let Ok(request) = client.user_info(token.access_token().clone(), Some(claims.subject().clone()))
        {
            let info: CoreUserInfoClaims = request.request_async(http).await.map_err(|e| match &e {
                openidconnect::UserInfoError::Request(_) => Failure::Unavailable(chain(&e)),
                _ => Failure::Rejected(format!("userinfo: {}", chain(&e))),
            })?;
            asserted.email = info.email().map(|e| e.to_string());
            asserted.email_verified = info.email_verified();
            asserted.name = asserted.name.or_else(|| info.name().and_then(|n| n.get(None)).map(|n| n.to_string()));
        }
        // Never `preferred_username`: the user can change it (Entra ID), so it proves no address.
        Ok(asserted)
    }
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cur = c.source();
    }
    text
}

/// reqwest as the OpenID client's HTTP.
struct Http(reqwest::Client);

/// A failed HTTP exchange with a provider.
#[derive(Debug, thiserror::Error)]
enum HttpError {
    #[error(transparent)]
    Reqwest(#[from] reqwest::Error),
    #[error(transparent)]
    Http(#[from] http::Error),
    #[error("answer larger than 1 MiB")]
    TooLarge,
}

impl<'c> openidconnect::AsyncHttpClient<'c> for Http {
    type Error = HttpError;
    type Future = Pin<Box<dyn Future<Output = Result<openidconnect::HttpResponse, HttpError>> + Send + 'c>>;

    fn call(&'c self, request: openidconnect::HttpRequest) -> Self::Future {
        Box::pin(async move {
            let request = reqwest::Request::try_from(request.map(reqwest::Body::from))?;
            let mut res = self.0.execute(request).await?;
            let mut body = Vec::new();
            while let Some(chunk) = res.chunk().await? {
                if body.len() + chunk.len() > MAX_RESPONSE {
                    return Err(HttpError::TooLarge);
                }
                body.extend_from_slice(&chunk);
            }
            let mut out = http::Response::builder().status(res.status()).body(body)?;
            *out.headers_mut() = std::mem::take(res.headers_mut());
            Ok(out)
        })
    }
}
