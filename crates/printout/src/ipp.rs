//! Just enough IPP to ask CUPS how a job ended (Get-Job-Attributes, RFC 8011 §4.3.4).
//!
//! `lpstat -W completed` lists completed, cancelled and aborted jobs alike; only the job's
//! `job-state` tells a printed page from a cancelled one. One request over the local CUPS
//! socket (or `CUPS_SERVER`), no dependency beyond std.

use std::io::{Read, Write};
use std::time::Duration;

/// How a job stands, from `job-state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Pending,
    Held,
    Processing,
    Stopped,
    Canceled,
    Aborted,
    Completed,
}

impl JobState {
    fn from_enum(v: i32) -> Option<JobState> {
        Some(match v {
            3 => JobState::Pending,
            4 => JobState::Held,
            5 => JobState::Processing,
            6 => JobState::Stopped,
            7 => JobState::Canceled,
            8 => JobState::Aborted,
            9 => JobState::Completed,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobInfo {
    pub state: JobState,
    pub reasons: Vec<String>,
    pub message: Option<String>,
}

fn attr(buf: &mut Vec<u8>, tag: u8, name: &str, value: &[u8]) {
    buf.push(tag);
    buf.extend((name.len() as u16).to_be_bytes());
    buf.extend(name.as_bytes());
    buf.extend((value.len() as u16).to_be_bytes());
    buf.extend(value);
}

/// The Get-Job-Attributes request body.
pub fn request(queue: &str, job_id: u32, user: &str) -> Vec<u8> {
    let mut b = vec![2, 0, 0x00, 0x09, 0, 0, 0, 1, 0x01];
    attr(&mut b, 0x47, "attributes-charset", b"utf-8");
    attr(&mut b, 0x48, "attributes-natural-language", b"en");
    attr(
        &mut b,
        0x45,
        "printer-uri",
        format!("ipp://localhost/printers/{queue}").as_bytes(),
    );
    attr(&mut b, 0x21, "job-id", &(job_id as i32).to_be_bytes());
    attr(&mut b, 0x42, "requesting-user-name", user.as_bytes());
    attr(&mut b, 0x44, "requested-attributes", b"job-state");
    for extra in ["job-state-reasons", "job-printer-state-message"] {
        attr(&mut b, 0x44, "", extra.as_bytes());
    }
    b.push(0x03);
    b
}

/// Parses a Get-Job-Attributes response body.
pub fn parse_response(body: &[u8]) -> Result<JobInfo, String> {
    if body.len() < 9 {
        return Err("short IPP response".into());
    }
    let status = u16::from_be_bytes([body[2], body[3]]);
    if status >= 0x0100 {
        return Err(format!("IPP status 0x{status:04x}"));
    }
    let mut i = 8;
    let mut state = None;
    let mut reasons = Vec::new();
    let mut message = None;
    let mut last_name = String::new();
    while i < body.len() {
        let tag = body[i];
        i += 1;
        if tag == 0x03 {
            break;
        }
        if tag < 0x10 {
            continue; // a group delimiter
        }
        let take = |i: &mut usize, n: usize| -> Result<&[u8], String> {
            let s = body.get(*i..*i + n).ok_or("truncated IPP response")?;
            *i += n;
            Ok(s)
        };
        let nl = take(&mut i, 2)?;
        let nl = u16::from_be_bytes([nl[0], nl[1]]) as usize;
        let name = String::from_utf8_lossy(take(&mut i, nl)?).into_owned();
        let vl = take(&mut i, 2)?;
        let vl = u16::from_be_bytes([vl[0], vl[1]]) as usize;
        let value = take(&mut i, vl)?;
        if !name.is_empty() {
            last_name = name;
        }
        match (last_name.as_str(), tag) {
            ("job-state", 0x23) if value.len() == 4 => {
                state = JobState::from_enum(i32::from_be_bytes([
                    value[0], value[1], value[2], value[3],
                ]));
            }
            ("job-state-reasons", 0x44) => reasons.push(String::from_utf8_lossy(value).into()),
            ("job-printer-state-message", _) => {
                let m = String::from_utf8_lossy(value).trim().to_string();
                if !m.is_empty() {
                    message = Some(m);
                }
            }
            _ => {}
        }
    }
    Ok(JobInfo {
        state: state.ok_or("no job-state in the IPP response")?,
        reasons,
        message,
    })
}

fn http_body(resp: &[u8]) -> Result<Vec<u8>, String> {
    let split = resp
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or("no HTTP header end")?;
    let head = String::from_utf8_lossy(&resp[..split]).to_ascii_lowercase();
    let status_ok = head
        .lines()
        .next()
        .is_some_and(|l| l.split_whitespace().nth(1) == Some("200"));
    if !status_ok {
        return Err(format!("HTTP: {}", head.lines().next().unwrap_or_default()));
    }
    let body = &resp[split + 4..];
    if !head.contains("transfer-encoding: chunked") {
        return Ok(body.to_vec());
    }
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        let eol = body[i..]
            .windows(2)
            .position(|w| w == b"\r\n")
            .ok_or("bad chunk")?;
        let size_text = String::from_utf8_lossy(&body[i..i + eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| "bad chunk size")?;
        i += eol + 2;
        if size == 0 {
            return Ok(out);
        }
        out.extend(body.get(i..i + size).ok_or("truncated chunk")?);
        i += size + 2;
    }
}

fn exchange<S: Read + Write>(mut s: S, body: &[u8]) -> Result<Vec<u8>, String> {
    let head = format!(
        "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/ipp\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).map_err(|e| e.to_string())?;
    s.write_all(body).map_err(|e| e.to_string())?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp).map_err(|e| e.to_string())?;
    http_body(&resp)
}

/// Where the local scheduler listens: `CUPS_SERVER` (a socket path or host[:port]), else the
/// usual socket paths, else localhost:631.
fn send(body: &[u8]) -> Result<Vec<u8>, String> {
    let timeout = Some(Duration::from_secs(5));
    let tcp = |addr: &str| -> Result<Vec<u8>, String> {
        let s = std::net::TcpStream::connect(addr).map_err(|e| format!("{addr}: {e}"))?;
        s.set_read_timeout(timeout).ok();
        s.set_write_timeout(timeout).ok();
        exchange(s, body)
    };
    #[cfg(unix)]
    let unix = |path: &str| -> Result<Vec<u8>, String> {
        let s =
            std::os::unix::net::UnixStream::connect(path).map_err(|e| format!("{path}: {e}"))?;
        s.set_read_timeout(timeout).ok();
        s.set_write_timeout(timeout).ok();
        exchange(s, body)
    };
    if let Ok(server) = std::env::var("CUPS_SERVER") {
        let server = server.trim();
        #[cfg(unix)]
        if server.starts_with('/') {
            return unix(server);
        }
        return if server.contains(':') {
            tcp(server)
        } else {
            tcp(&format!("{server}:631"))
        };
    }
    #[cfg(unix)]
    for path in [
        "/run/cups/cups.sock",
        "/var/run/cups/cups.sock",
        "/private/var/run/cupsd",
    ] {
        if std::path::Path::new(path).exists() {
            if let Ok(r) = unix(path) {
                return Ok(r);
            }
        }
    }
    tcp("localhost:631")
}

/// The job's state, asked from the scheduler.
pub fn job_info(queue: &str, job_id: u32) -> Result<JobInfo, String> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "receptdisk".into());
    parse_response(&send(&request(queue, job_id, &user))?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_response_with_state_reasons_and_message() {
        let mut b = vec![2, 0, 0, 0, 0, 0, 0, 1, 0x01];
        attr(&mut b, 0x47, "attributes-charset", b"utf-8");
        b.push(0x02);
        attr(&mut b, 0x23, "job-state", &7i32.to_be_bytes());
        attr(&mut b, 0x44, "job-state-reasons", b"job-canceled-by-user");
        attr(&mut b, 0x44, "", b"printer-stopped");
        attr(&mut b, 0x41, "job-printer-state-message", b"Paper jam");
        b.push(0x03);
        let info = parse_response(&b).unwrap();
        assert_eq!(info.state, JobState::Canceled);
        assert_eq!(
            info.reasons,
            vec!["job-canceled-by-user", "printer-stopped"]
        );
        assert_eq!(info.message.as_deref(), Some("Paper jam"));
    }

    #[test]
    fn refuses_an_error_status_and_a_truncated_body() {
        let b = vec![2, 0, 0x04, 0x06, 0, 0, 0, 1, 0x01, 0x03];
        assert!(parse_response(&b).unwrap_err().contains("0x0406"));
        let mut t = vec![2, 0, 0, 0, 0, 0, 0, 1, 0x02, 0x23, 0, 9];
        t.extend(b"job-st");
        assert!(parse_response(&t).is_err());
    }

    #[test]
    fn reads_chunked_http() {
        let resp = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        assert_eq!(http_body(resp).unwrap(), b"abcde");
        let plain = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assert_eq!(http_body(plain).unwrap(), b"ok");
        assert!(http_body(b"HTTP/1.1 403 Forbidden\r\n\r\n").is_err());
    }
}
