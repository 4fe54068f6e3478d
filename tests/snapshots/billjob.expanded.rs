/// Typed client of `m3ter-billjob` (https://api.m3ter.com).
///
/// m3ter API — BillJob business capability. Self-contained, no shared references.
pub mod m3ter_billjob {
    /// The consumed API as the spec declares it.
    pub static SPEC: ::naftiko_runtime::client::ApiSpec = ::naftiko_runtime::client::ApiSpec {
        namespace: "m3ter-billjob",
        base_uri: &[::naftiko_runtime::client::Part::Lit("https://api.m3ter.com")],
        auth: ::naftiko_runtime::client::AuthSpec::Bearer(
            &[::naftiko_runtime::client::Part::Env("M3TER_API_KEY")],
        ),
        fixed: &[],
    };
    /// Builder of [`Client`]: base URI, timeouts, retries, a shared `reqwest::Client`.
    pub type Builder = ::naftiko_runtime::client::Builder<Client>;
    /// Why a call failed: upstream status, transport, timeout, undecodable body, bad argument.
    pub type Error = ::naftiko_runtime::client::Error;
    /// A successful answer: status and JSON body.
    pub type Reply = ::naftiko_runtime::client::Reply;
    /// Client of `m3ter-billjob`. Cheap to clone: clones share one connection pool.
    #[derive(Clone, Debug)]
    pub struct Client(::naftiko_runtime::client::HttpClient);
    impl ::naftiko_runtime::client::Api for Client {
        const SPEC: &'static ::naftiko_runtime::client::ApiSpec = &SPEC;
        fn from_http(http: ::naftiko_runtime::client::HttpClient) -> Self {
            Client(http)
        }
    }
    impl Client {
        /// Starts building a client; credentials are read when it is built.
        pub fn builder() -> Builder {
            Builder::default()
        }
        /// A client with the spec's defaults, credentials from the environment (`M3TER_API_KEY`).
        pub fn from_env() -> ::core::result::Result<
            Self,
            ::naftiko_runtime::client::ConfigError,
        > {
            Self::builder().build()
        }
        /// The shared HTTP state (base URI, pool).
        pub fn http(&self) -> &::naftiko_runtime::client::HttpClient {
            &self.0
        }
        /// List BillJobs
        ///
        /// `GET /organizations/{orgId}/billjobs` (retried on transient failures)
        ///
        /// - `org_id`: The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.
        /// - `params`: optional parameters, see [`ListbilljobsParams`]
        pub async fn listbilljobs(
            &self,
            org_id: &str,
            params: &ListbilljobsParams,
        ) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(::naftiko_runtime::reqwest::Method::GET, "listbilljobs", true);
            req.path("/organizations/");
            req.segment("orgId", org_id)?;
            req.path("/billjobs");
            if let ::core::option::Option::Some(v) = &params.page_size {
                req.query("pageSize", v);
            }
            if let ::core::option::Option::Some(v) = &params.next_token {
                req.query("nextToken", v);
            }
            if let ::core::option::Option::Some(v) = &params.active {
                req.query("active", v);
            }
            if let ::core::option::Option::Some(v) = &params.status {
                req.query("status", v);
            }
            req.send().await
        }
        /// Create BillJob
        ///
        /// `POST /organizations/{orgId}/billjobs` (never retried)
        ///
        /// - `org_id`: The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.
        /// - `body`: Request body (JSON).
        pub async fn createbilljob(
            &self,
            org_id: &str,
            body: &::naftiko_runtime::serde_json::Value,
        ) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(
                    ::naftiko_runtime::reqwest::Method::POST,
                    "createbilljob",
                    false,
                );
            req.path("/organizations/");
            req.segment("orgId", org_id)?;
            req.path("/billjobs");
            req.json(body);
            req.send().await
        }
        /// Create Recalculation BillJob
        ///
        /// `POST /organizations/{orgId}/billjobs/recalculate` (never retried)
        ///
        /// - `org_id`: The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.
        /// - `body`: Request body (JSON).
        pub async fn recalculatebilljob(
            &self,
            org_id: &str,
            body: &::naftiko_runtime::serde_json::Value,
        ) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(
                    ::naftiko_runtime::reqwest::Method::POST,
                    "recalculatebilljob",
                    false,
                );
            req.path("/organizations/");
            req.segment("orgId", org_id)?;
            req.path("/billjobs/recalculate");
            req.json(body);
            req.send().await
        }
        /// Retrieve BillJob
        ///
        /// `GET /organizations/{orgId}/billjobs/{id}` (retried on transient failures)
        ///
        /// - `org_id`: UUID of the organization
        /// - `id`: The UUID of the Bill Job to retrieve.
        pub async fn getbilljob(
            &self,
            org_id: &str,
            id: &str,
        ) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(::naftiko_runtime::reqwest::Method::GET, "getbilljob", true);
            req.path("/organizations/");
            req.segment("orgId", org_id)?;
            req.path("/billjobs/");
            req.segment("id", id)?;
            req.send().await
        }
        /// Cancel BillJob
        ///
        /// `POST /organizations/{orgId}/billjobs/{id}/cancel` (never retried)
        ///
        /// - `org_id`: The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.
        /// - `id`: The unique identifier (UUID) of the BillJob to cancel.
        pub async fn cancelbilljob(
            &self,
            org_id: &str,
            id: &str,
        ) -> ::core::result::Result<Reply, Error> {
            let mut req = self
                .0
                .request(
                    ::naftiko_runtime::reqwest::Method::POST,
                    "cancelbilljob",
                    false,
                );
            req.path("/organizations/");
            req.segment("orgId", org_id)?;
            req.path("/billjobs/");
            req.segment("id", id)?;
            req.path("/cancel");
            req.send().await
        }
    }
    /// Optional parameters of [`Client::listbilljobs`].
    #[derive(Debug, Clone, Default, PartialEq)]
    pub struct ListbilljobsParams {
        /// Specifies the maximum number of BillJobs to retrieve per page.
        ///
        /// `pageSize` (query).
        pub page_size: ::core::option::Option<i64>,
        /// The `nextToken` for multi-page retrievals. It is used to fetch the next page of BillJobs in a paginated list.
        ///
        /// `nextToken` (query).
        pub next_token: ::core::option::Option<::std::string::String>,
        /// Boolean filter to retrieve only active BillJobs and exclude completed or cancelled BillJobs from the results.
        ///
        /// `active` (query).
        pub active: ::core::option::Option<::std::string::String>,
        /// Filter BillJobs by specific status. Allows for targeted retrieval of BillJobs based on their current processing status.
        ///
        /// `status` (query).
        pub status: ::core::option::Option<::std::string::String>,
    }
}
/// One client per consumed API: what the adapters call.
#[derive(Clone, Debug)]
pub struct Upstreams {
    /// Client of `m3ter-billjob`.
    pub m3ter_billjob: m3ter_billjob::Client,
}
impl Upstreams {
    /// Every client with the spec's defaults and credentials from the environment.
    pub fn from_env() -> ::core::result::Result<
        Self,
        ::naftiko_runtime::client::ConfigError,
    > {
        ::core::result::Result::Ok(Upstreams {
            m3ter_billjob: m3ter_billjob::Client::from_env()?,
        })
    }
    /// Every client with the spec's defaults, reading bound variables from `env`
    /// instead of the process environment (a secrets store, a test).
    pub fn from_env_source(
        env: impl Fn(
            &str,
        ) -> ::core::option::Option<
                ::std::string::String,
            > + ::core::clone::Clone + ::core::marker::Send + ::core::marker::Sync + 'static,
    ) -> ::core::result::Result<Self, ::naftiko_runtime::client::ConfigError> {
        ::core::result::Result::Ok(Upstreams {
            m3ter_billjob: m3ter_billjob::Client::builder()
                .env_source(env.clone())
                .build()?,
        })
    }
}
/// REST adapter `m3ter-billjob-rest` (default address 127.0.0.1:8080).
///
/// REST adapter for m3ter API — BillJob. One Spectral-compliant resource per consumed operation, prefixed with /v1.
pub mod m3ter_billjob_rest {
    /// The address the spec gives this adapter.
    pub const ADDRESS: &str = "127.0.0.1:8080";
    /// The OpenAPI 3.1 document of this adapter, generated from the spec.
    pub const OPENAPI: &str = "{\"components\":{\"schemas\":{\"Problem\":{\"description\":\"An error of the gateway itself (RFC 9457)\",\"properties\":{\"detail\":{\"type\":\"string\"},\"status\":{\"type\":\"integer\"},\"title\":{\"type\":\"string\"},\"type\":{\"type\":\"string\"}},\"required\":[\"type\",\"title\",\"status\",\"detail\"],\"type\":\"object\"},\"UpstreamError\":{\"description\":\"The upstream's error body, unchanged (m3ter sends `{\\\"message\\\": ...}`)\"}}},\"info\":{\"description\":\"REST adapter for m3ter API — BillJob. One Spectral-compliant resource per consumed operation, prefixed with /v1.\",\"title\":\"m3ter API — BillJob\",\"version\":\"1.0.0\"},\"openapi\":\"3.1.0\",\"paths\":{\"/v1/organizations/{orgid}/billjobs\":{\"get\":{\"description\":\"Calls `GET /organizations/{orgId}/billjobs` of `m3ter-billjob`.\",\"operationId\":\"listbilljobs\",\"parameters\":[{\"description\":\"The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.\",\"in\":\"path\",\"name\":\"orgid\",\"required\":true,\"schema\":{\"type\":\"string\"}},{\"description\":\"Specifies the maximum number of BillJobs to retrieve per page.\",\"in\":\"query\",\"name\":\"pageSize\",\"required\":false,\"schema\":{\"type\":\"integer\"}},{\"description\":\"The `nextToken` for multi-page retrievals. It is used to fetch the next page of BillJobs in a paginated list.\",\"in\":\"query\",\"name\":\"nextToken\",\"required\":false,\"schema\":{\"type\":\"string\"}},{\"description\":\"Boolean filter to retrieve only active BillJobs and exclude completed or cancelled BillJobs from the results.\",\"in\":\"query\",\"name\":\"active\",\"required\":false,\"schema\":{\"type\":\"string\"}},{\"description\":\"Filter BillJobs by specific status. Allows for targeted retrieval of BillJobs based on their current processing status.\",\"in\":\"query\",\"name\":\"status\",\"required\":false,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"List BillJobs\"},\"post\":{\"description\":\"Calls `POST /organizations/{orgId}/billjobs` of `m3ter-billjob`.\",\"operationId\":\"createbilljob\",\"parameters\":[{\"description\":\"The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.\",\"in\":\"path\",\"name\":\"orgid\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"requestBody\":{\"content\":{\"application/json\":{\"schema\":{\"description\":\"Request body (JSON).\",\"type\":\"object\"}}},\"required\":true},\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"413\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Request body larger than 1 MiB\"},\"415\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Request body is not application/json\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Create BillJob\"}},\"/v1/organizations/{orgid}/billjobs/recalculate\":{\"post\":{\"description\":\"Calls `POST /organizations/{orgId}/billjobs/recalculate` of `m3ter-billjob`.\",\"operationId\":\"recalculatebilljob\",\"parameters\":[{\"description\":\"The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.\",\"in\":\"path\",\"name\":\"orgid\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"requestBody\":{\"content\":{\"application/json\":{\"schema\":{\"description\":\"Request body (JSON).\",\"type\":\"object\"}}},\"required\":true},\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"413\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Request body larger than 1 MiB\"},\"415\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Request body is not application/json\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Create Recalculation BillJob\"}},\"/v1/organizations/{orgid}/billjobs/{id}\":{\"get\":{\"description\":\"Calls `GET /organizations/{orgId}/billjobs/{id}` of `m3ter-billjob`.\",\"operationId\":\"getbilljob\",\"parameters\":[{\"description\":\"UUID of the organization\",\"in\":\"path\",\"name\":\"orgid\",\"required\":true,\"schema\":{\"type\":\"string\"}},{\"description\":\"The UUID of the Bill Job to retrieve.\",\"in\":\"path\",\"name\":\"id\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Retrieve BillJob\"}},\"/v1/organizations/{orgid}/billjobs/{id}/cancel\":{\"post\":{\"description\":\"Calls `POST /organizations/{orgId}/billjobs/{id}/cancel` of `m3ter-billjob`.\",\"operationId\":\"cancelbilljob\",\"parameters\":[{\"description\":\"The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.\",\"in\":\"path\",\"name\":\"orgid\",\"required\":true,\"schema\":{\"type\":\"string\"}},{\"description\":\"The unique identifier (UUID) of the BillJob to cancel.\",\"in\":\"path\",\"name\":\"id\",\"required\":true,\"schema\":{\"type\":\"string\"}}],\"responses\":{\"2XX\":{\"content\":{\"application/json\":{\"schema\":{}}},\"description\":\"The upstream's answer\"},\"400\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Invalid input (names the input)\"},\"4XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"},\"502\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream unreachable, or its answer is not JSON or does not fit the declared output\"},\"504\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"Upstream timeout\"},\"5XX\":{\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/UpstreamError\"}},\"application/problem+json\":{\"schema\":{\"$ref\":\"#/components/schemas/Problem\"}}},\"description\":\"The upstream's error, passed through with its status\"}},\"summary\":\"Cancel BillJob\"}}}}";
    /// The adapter's routes, plus `GET /openapi.json` and `GET /healthz`.
    pub fn router(upstreams: super::Upstreams) -> ::naftiko_runtime::axum::Router {
        let routes = ::naftiko_runtime::axum::Router::new()
            .route(
                "/v1/organizations/{orgid}/billjobs",
                ::naftiko_runtime::axum::routing::get(listbilljobs).post(createbilljob),
            )
            .route(
                "/v1/organizations/{orgid}/billjobs/recalculate",
                ::naftiko_runtime::axum::routing::post(recalculatebilljob),
            )
            .route(
                "/v1/organizations/{orgid}/billjobs/{id}",
                ::naftiko_runtime::axum::routing::get(getbilljob),
            )
            .route(
                "/v1/organizations/{orgid}/billjobs/{id}/cancel",
                ::naftiko_runtime::axum::routing::post(cancelbilljob),
            );
        ::naftiko_runtime::rest::finish(routes, OPENAPI).with_state(upstreams)
    }
    /// `GET /v1/organizations/{orgid}/billjobs`: List BillJobs
    async fn listbilljobs(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let orgid: ::std::string::String = input.path("orgid")?;
        let page_size: ::core::option::Option<i64> = input.query("pageSize")?;
        let next_token: ::core::option::Option<::std::string::String> = input
            .query("nextToken")?;
        let active: ::core::option::Option<::std::string::String> = input
            .query("active")?;
        let status: ::core::option::Option<::std::string::String> = input
            .query("status")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams
                    .m3ter_billjob
                    .listbilljobs(
                        &orgid,
                        &super::m3ter_billjob::ListbilljobsParams {
                            page_size,
                            next_token,
                            active,
                            status,
                        },
                    )
                    .await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `POST /v1/organizations/{orgid}/billjobs`: Create BillJob
    async fn createbilljob(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let orgid: ::std::string::String = input.path("orgid")?;
        let body: ::naftiko_runtime::serde_json::Value = input.required_body()?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams.m3ter_billjob.createbilljob(&orgid, &body).await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `POST /v1/organizations/{orgid}/billjobs/recalculate`: Create Recalculation BillJob
    async fn recalculatebilljob(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let orgid: ::std::string::String = input.path("orgid")?;
        let body: ::naftiko_runtime::serde_json::Value = input.required_body()?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams.m3ter_billjob.recalculatebilljob(&orgid, &body).await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `GET /v1/organizations/{orgid}/billjobs/{id}`: Retrieve BillJob
    async fn getbilljob(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let orgid: ::std::string::String = input.path("orgid")?;
        let id: ::std::string::String = input.path("id")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams.m3ter_billjob.getbilljob(&orgid, &id).await,
                &OUTPUT,
                &[],
            ),
        )
    }
    /// `POST /v1/organizations/{orgid}/billjobs/{id}/cancel`: Cancel BillJob
    async fn cancelbilljob(
        ::naftiko_runtime::axum::extract::State(
            upstreams,
        ): ::naftiko_runtime::axum::extract::State<super::Upstreams>,
        input: ::naftiko_runtime::rest::Inputs,
    ) -> ::core::result::Result<
        ::naftiko_runtime::axum::response::Response,
        ::naftiko_runtime::rest::Problem,
    > {
        let orgid: ::std::string::String = input.path("orgid")?;
        let id: ::std::string::String = input.path("id")?;
        static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
        ::core::result::Result::Ok(
            ::naftiko_runtime::rest::respond(
                upstreams.m3ter_billjob.cancelbilljob(&orgid, &id).await,
                &OUTPUT,
                &[],
            ),
        )
    }
}
/// MCP adapter `m3ter-billjob-mcp`: 5 tools.
///
/// MCP adapter for m3ter API — BillJob. One tool per consumed operation, routed inline through this capability's consumes block.
pub mod m3ter_billjob_mcp {
    /// The address the spec gives this adapter (`None` for the stdio transport).
    pub const ADDRESS: ::core::option::Option<&str> = ::core::option::Option::Some(
        "127.0.0.1:9090",
    );
    /// Whether the spec asks for the stdio transport.
    pub const STDIO: bool = false;
    /// The tools, their annotations and arguments, as the spec declares them.
    pub static INFO: ::naftiko_runtime::mcp::ServerDef = ::naftiko_runtime::mcp::ServerDef {
        name: "m3ter-billjob-mcp",
        title: "m3ter API — BillJob",
        version: ::core::env!("CARGO_PKG_VERSION"),
        instructions: ::core::option::Option::Some(
            "MCP adapter for m3ter API — BillJob. One tool per consumed operation, routed inline through this capability's consumes block.",
        ),
        tools: &[
            ::naftiko_runtime::mcp::ToolDef {
                name: "list-billjobs",
                title: ::core::option::Option::None,
                description: "List BillJobs",
                read_only: ::core::option::Option::Some(true),
                destructive: ::core::option::Option::Some(false),
                idempotent: ::core::option::Option::Some(true),
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "orgId",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "pageSize",
                        ty: ::naftiko_runtime::mcp::JsonType::Integer,
                        required: false,
                        description: ::core::option::Option::Some(
                            "Specifies the maximum number of BillJobs to retrieve per page.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "nextToken",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: false,
                        description: ::core::option::Option::Some(
                            "The `nextToken` for multi-page retrievals. It is used to fetch the next page of BillJobs in a paginated list.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "active",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: false,
                        description: ::core::option::Option::Some(
                            "Boolean filter to retrieve only active BillJobs and exclude completed or cancelled BillJobs from the results.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "status",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: false,
                        description: ::core::option::Option::Some(
                            "Filter BillJobs by specific status. Allows for targeted retrieval of BillJobs based on their current processing status.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::None,
            },
            ::naftiko_runtime::mcp::ToolDef {
                name: "create-billjob",
                title: ::core::option::Option::None,
                description: "Create BillJob",
                read_only: ::core::option::Option::Some(false),
                destructive: ::core::option::Option::Some(false),
                idempotent: ::core::option::Option::Some(false),
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "orgId",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "body",
                        ty: ::naftiko_runtime::mcp::JsonType::Object,
                        required: true,
                        description: ::core::option::Option::Some(
                            "Request body (JSON).",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::None,
            },
            ::naftiko_runtime::mcp::ToolDef {
                name: "create-recalculation-billjob",
                title: ::core::option::Option::None,
                description: "Create Recalculation BillJob",
                read_only: ::core::option::Option::Some(false),
                destructive: ::core::option::Option::Some(false),
                idempotent: ::core::option::Option::Some(false),
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "orgId",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "body",
                        ty: ::naftiko_runtime::mcp::JsonType::Object,
                        required: true,
                        description: ::core::option::Option::Some(
                            "Request body (JSON).",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::None,
            },
            ::naftiko_runtime::mcp::ToolDef {
                name: "retrieve-billjob",
                title: ::core::option::Option::None,
                description: "Retrieve BillJob",
                read_only: ::core::option::Option::Some(true),
                destructive: ::core::option::Option::Some(false),
                idempotent: ::core::option::Option::Some(true),
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "orgId",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "UUID of the organization",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "id",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "The UUID of the Bill Job to retrieve.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::None,
            },
            ::naftiko_runtime::mcp::ToolDef {
                name: "cancel-billjob",
                title: ::core::option::Option::None,
                description: "Cancel BillJob",
                read_only: ::core::option::Option::Some(false),
                destructive: ::core::option::Option::Some(false),
                idempotent: ::core::option::Option::Some(false),
                open_world: true,
                args: &[
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "orgId",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "The unique identifier (UUID) for your Organization. The Organization represents your company as a direct customer of our service.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                    ::naftiko_runtime::mcp::ArgDef {
                        name: "id",
                        ty: ::naftiko_runtime::mcp::JsonType::String,
                        required: true,
                        description: ::core::option::Option::Some(
                            "The unique identifier (UUID) of the BillJob to cancel.",
                        ),
                        pattern: ::core::option::Option::None,
                    },
                ],
                output_schema: ::core::option::Option::None,
            },
        ],
        ttl_ms: ::core::option::Option::None,
        cache_public: ::core::option::Option::None,
    };
    /// The MCP server of this adapter, calling `upstreams`.
    pub fn server(upstreams: super::Upstreams) -> ::naftiko_runtime::mcp::Server {
        ::naftiko_runtime::mcp::Server::new(
            &INFO,
            move |tool, args| {
                let upstreams = upstreams.clone();
                ::std::boxed::Box::pin(async move { call(&upstreams, tool, args).await })
            },
        )
    }
    async fn call(
        upstreams: &super::Upstreams,
        tool: usize,
        mut args: ::naftiko_runtime::mcp::Args,
    ) -> ::core::result::Result<
        ::naftiko_runtime::mcp::Outcome,
        ::naftiko_runtime::mcp::ArgError,
    > {
        match tool {
            0usize => {
                let org_id: ::std::string::String = args.required("orgId")?;
                let page_size: ::core::option::Option<i64> = args.get("pageSize")?;
                let next_token: ::core::option::Option<::std::string::String> = args
                    .get("nextToken")?;
                let active: ::core::option::Option<::std::string::String> = args
                    .get("active")?;
                let status: ::core::option::Option<::std::string::String> = args
                    .get("status")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams
                            .m3ter_billjob
                            .listbilljobs(
                                &org_id,
                                &super::m3ter_billjob::ListbilljobsParams {
                                    page_size,
                                    next_token,
                                    active,
                                    status,
                                },
                            )
                            .await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            1usize => {
                let org_id: ::std::string::String = args.required("orgId")?;
                let body: ::naftiko_runtime::serde_json::Value = args.required("body")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams.m3ter_billjob.createbilljob(&org_id, &body).await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            2usize => {
                let org_id: ::std::string::String = args.required("orgId")?;
                let body: ::naftiko_runtime::serde_json::Value = args.required("body")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams.m3ter_billjob.recalculatebilljob(&org_id, &body).await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            3usize => {
                let org_id: ::std::string::String = args.required("orgId")?;
                let id: ::std::string::String = args.required("id")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams.m3ter_billjob.getbilljob(&org_id, &id).await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            4usize => {
                let org_id: ::std::string::String = args.required("orgId")?;
                let id: ::std::string::String = args.required("id")?;
                static OUTPUT: ::naftiko_runtime::shape::Output = ::naftiko_runtime::shape::Output::whole();
                ::core::result::Result::Ok(
                    ::naftiko_runtime::mcp::Outcome::new(
                        upstreams.m3ter_billjob.cancelbilljob(&org_id, &id).await,
                        &OUTPUT,
                        &[],
                    ),
                )
            }
            _ => ::core::result::Result::Err(args.unknown_tool()),
        }
    }
}
