//! Open311 GeoReport v2 as a client written from the public spec sees it
//! (wiki.open311.org/GeoReport_v2): plain HTTP/1.1 over a TCP socket, JSON
//! format, form-encoded POST bodies, errors as `[{"code", "description"}]`.

use super::metrics::{DISTRICT, OTHER_DISTRICT, SECRET, grids_parts, token};
use gongzhi_bus::InProcessDelivery;
use gongzhi_grids::domain::calendar::CategoryCatalogue;
use gongzhi_grids::domain::case::CASE_STREAM_CATEGORY;
use gongzhi_grids::open311::{GridLocator, Open311State, POSITION_HEADER, serve_open311};
use gongzhi_kernel::DistrictCode;
use gongzhi_projections::{ProjectionHandler, Source};
use gongzhi_server::AuthConfig;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

const GRID: &str = "500108001002003";

/// One square grid around Chongqing's Nan'an district centre.
struct FixedLocator;

#[async_trait::async_trait]
impl GridLocator for FixedLocator {
    async fn locate(
        &self,
        district: &DistrictCode,
        latitude: f64,
        longitude: f64,
    ) -> Option<String> {
        let inside = (29.0..30.0).contains(&latitude) && (106.0..107.0).contains(&longitude);
        (district.as_str() == DISTRICT && inside).then(|| GRID.to_owned())
    }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Value,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

fn encode(raw: &str) -> String {
    raw.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn dechunk(mut raw: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or_else(|| anyhow::anyhow!("bad chunk"))?;
        let size = usize::from_str_radix(std::str::from_utf8(&raw[..line_end])?.trim(), 16)?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(body);
        }
        body.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

/// One HTTP/1.1 exchange on a fresh connection (`Connection: close`).
async fn http(
    addr: SocketAddr,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, String)>,
) -> anyhow::Result<Reply> {
    let mut stream = TcpStream::connect(addr).await?;
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.map(|(content_type, body)| {
        request.push_str(&format!(
            "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
            body.len()
        ));
        body
    });
    request.push_str("\r\n");
    request.push_str(&body.unwrap_or_default());
    stream.write_all(request.as_bytes()).await?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| anyhow::anyhow!("no header end"))?;
    let head = std::str::from_utf8(&raw[..split])?;
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .ok_or_else(|| anyhow::anyhow!("no status line"))?
        .parse()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
        .collect();
    let mut payload = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(k, v)| k.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    if chunked {
        payload = dechunk(&payload)?;
    }
    let body = if payload.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&payload)?
    };
    Ok(Reply {
        status,
        headers,
        body,
    })
}

/// The service on port 0 with in-process delivery into its read model.
async fn start(
    shutdown: &CancellationToken,
) -> anyhow::Result<(SocketAddr, crate::support::pg::TestDb)> {
    let parts = grids_parts().await?;
    let delivery = InProcessDelivery::new(
        parts.store.clone(),
        Arc::new(ProjectionHandler::new(parts.metrics.clone())),
        "case_metrics",
        Source::new("grids", &[CASE_STREAM_CATEGORY]).filter(),
    );
    // Stops between events when the test cancels; failures are retried.
    tokio::spawn(delivery.run(shutdown.clone()));
    let state = Open311State::new(
        parts.store.clone(),
        parts.metrics.clone(),
        CategoryCatalogue::illustrative(),
        Arc::new(FixedLocator),
        &AuthConfig::new(SECRET.to_vec()),
    );
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    // Returns once the test cancels and in-flight requests are done.
    tokio::spawn(serve_open311(listener, state, shutdown.clone()));
    Ok((addr, parts.db))
}

fn assert_open311_error(reply: &Reply, status: u16) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.body[0]["code"], json!(status), "{}", reply.body);
    let description = reply.body[0]["description"].as_str().unwrap_or("");
    assert!(!description.is_empty(), "{}", reply.body);
}

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn a_spec_client_lists_services_posts_and_reads_back() -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let (addr, _db) = start(&shutdown).await?;
    let key = token(&["community_worker"], &[DISTRICT])?;

    let services = http(addr, "GET", "/open311/v2/services.json", &[], None).await?;
    assert_eq!(services.status, 200);
    let list = services.body.as_array().cloned().unwrap_or_default();
    assert!(!list.is_empty());
    for service in &list {
        assert_eq!(service["metadata"], json!(false));
        assert_eq!(service["type"], json!("realtime"));
        assert!(service["service_name"].is_string() && service["group"].is_string());
    }
    let code = list[0]["service_code"].as_str().unwrap_or("").to_owned();
    let one = http(
        addr,
        "GET",
        &format!("/open311/v2/services/{code}.json"),
        &[],
        None,
    )
    .await?;
    assert_eq!(one.status, 200);
    assert_eq!(one.body["service_code"], json!(code));
    assert!(one.body["attributes"].is_array());

    let posted = http(
        addr,
        "POST",
        "/open311/v2/requests.json",
        &[],
        Some((
            FORM,
            form(&[
                ("api_key", &key),
                ("jurisdiction_id", DISTRICT),
                ("service_code", &code),
                ("lat", "29.5231"),
                ("long", "106.5725"),
                ("address_string", "南坪西路 38 号"),
                ("description", "井盖破损 & 有积水"),
                ("email", "someone@example.com"),
            ]),
        )),
    )
    .await?;
    assert!(matches!(posted.status, 200 | 201), "{}", posted.body);
    let id = posted.body[0]["service_request_id"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(!id.is_empty(), "{}", posted.body);
    let position = posted.header(POSITION_HEADER).unwrap_or("0").to_owned();

    let wait = [(POSITION_HEADER, position.as_str())];
    let read = http(
        addr,
        "GET",
        &format!("/open311/v2/requests/{id}.json?api_key={key}"),
        &wait,
        None,
    )
    .await?;
    assert_eq!(read.status, 200, "{}", read.body);
    let request = &read.body[0];
    assert_eq!(request["service_request_id"], json!(id));
    assert_eq!(request["status"], json!("open"));
    assert_eq!(request["service_code"], json!(code));
    assert!(
        request["description"]
            .as_str()
            .unwrap_or("")
            .contains("井盖破损 & 有积水")
    );
    let requested = request["requested_datetime"].as_str().unwrap_or("");
    assert!(requested.ends_with("+08:00"), "{requested}");
    assert!(!read.body.to_string().contains("someone@example.com"));

    let bearer = format!("Bearer {key}");
    let auth = [("Authorization", bearer.as_str())];
    let listed = http(addr, "GET", "/open311/v2/requests.json", &auth, None).await?;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(listed.body.to_string().contains(&id));
    let closed = http(
        addr,
        "GET",
        "/open311/v2/requests.json?status=closed",
        &auth,
        None,
    )
    .await?;
    assert_eq!(closed.body, json!([]));
    let by_code = format!("/open311/v2/requests.json?service_code={}", encode(&code));
    let listed = http(addr, "GET", &by_code, &auth, None).await?;
    assert_eq!(listed.body.as_array().map(Vec::len), Some(1));

    // A JSON body works the same.
    let body = json!({"service_code": code, "lat": 29.6, "long": 106.6, "api_key": key});
    let posted = http(
        addr,
        "POST",
        "/open311/v2/requests.json",
        &[],
        Some(("application/json", body.to_string())),
    )
    .await?;
    assert!(matches!(posted.status, 200 | 201), "{}", posted.body);
    shutdown.cancel();
    Ok(())
}

#[tokio::test]
async fn bad_requests_get_400s_and_other_districts_403s() -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    let (addr, _db) = start(&shutdown).await?;
    let key = token(&["grid_worker"], &[DISTRICT])?;
    let post = |pairs: Vec<(&'static str, String)>| {
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        async move {
            http(
                addr,
                "POST",
                "/open311/v2/requests.json",
                &[],
                Some((FORM, body)),
            )
            .await
        }
    };
    let with = |extra: &[(&'static str, &str)]| {
        let mut pairs = vec![("api_key", key.clone())];
        pairs.extend(extra.iter().map(|(k, v)| (*k, (*v).to_owned())));
        pairs
    };
    let location = [("lat", "29.5"), ("long", "106.5")];
    let code = ("service_code", "event/01/01");

    assert_open311_error(&post(with(&location)).await?, 400);
    assert_open311_error(
        &post(with(&[
            ("service_code", "event/99/99"),
            location[0],
            location[1],
        ]))
        .await?,
        400,
    );
    assert_open311_error(
        &post(with(&[
            ("service_code", "not a code"),
            location[0],
            location[1],
        ]))
        .await?,
        400,
    );
    assert_open311_error(&post(with(&[code])).await?, 400);
    assert_open311_error(
        &post(with(&[code, ("lat", "abc"), ("long", "106.5")])).await?,
        400,
    );
    assert_open311_error(
        &post(with(&[code, ("lat", "95"), ("long", "106.5")])).await?,
        400,
    );
    assert_open311_error(&post(with(&[code, ("lat", "29.5")])).await?, 400);
    // Outside every unit grid of the district.
    assert_open311_error(
        &post(with(&[code, ("lat", "39.9"), ("long", "116.4")])).await?,
        400,
    );
    // An address the locator cannot geocode.
    assert_open311_error(
        &post(with(&[code, ("address_string", "somewhere")])).await?,
        400,
    );
    assert_open311_error(
        &http(
            addr,
            "POST",
            "/open311/v2/requests.json",
            &[],
            Some(("application/json", "{".into())),
        )
        .await?,
        400,
    );

    // No key, then a key of another district.
    let anonymous = vec![
        ("service_code", "event/01/01".to_owned()),
        ("lat", "29.5".to_owned()),
        ("long", "106.5".to_owned()),
    ];
    assert_open311_error(&post(anonymous.clone()).await?, 401);
    let stranger = token(&["district_admin"], &[OTHER_DISTRICT])?;
    let mut foreign = anonymous;
    foreign.push(("api_key", stranger.clone()));
    foreign.push(("jurisdiction_id", DISTRICT.to_owned()));
    assert_open311_error(&post(foreign).await?, 403);
    let target = format!("/open311/v2/requests.json?jurisdiction_id={DISTRICT}&api_key={stranger}");
    assert_open311_error(&http(addr, "GET", &target, &[], None).await?, 403);
    let missing = format!(
        "/open311/v2/requests/{}.json?api_key={key}",
        uuid::Uuid::new_v4()
    );
    assert_open311_error(&http(addr, "GET", &missing, &[], None).await?, 404);
    assert_open311_error(
        &http(
            addr,
            "GET",
            "/open311/v2/services/event/99/99.json",
            &[],
            None,
        )
        .await?,
        404,
    );
    let bad_date = format!("/open311/v2/requests.json?start_date=yesterday&api_key={key}");
    assert_open311_error(&http(addr, "GET", &bad_date, &[], None).await?, 400);
    shutdown.cancel();
    Ok(())
}
