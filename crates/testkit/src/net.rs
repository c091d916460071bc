//! Sockets for tests: a listener bound before its server starts, and a port held closed.
//!
//! Nothing here picks a port, lets it go and hopes it is still free when a server binds it: an
//! in-process server gets the bound [`listener`]; a child process either binds port 0 itself and
//! says where (see [`crate::process`]) or inherits a socket bound here ([`ReservedPort`]).

use std::os::fd::{FromRawFd, IntoRawFd, OwnedFd};

/// A listener on a loopback port of the kernel's choice, listening already.
pub async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback listener")
}

/// A loopback port held by this process without listening: connections to it are refused, and
/// no other program is given it. [`ReservedPort::socket`] hands out sockets bound to the same
/// port (`SO_REUSEPORT`) for a server to listen on; when that server goes, the port refuses
/// connections again and stays ours. So a server can be stopped and started again on the same
/// port, and a "closed port" stays closed.
#[derive(Debug)]
pub struct ReservedPort {
    _holder: tokio::net::TcpSocket,
    port: u16,
}

fn reuse_port_socket() -> std::io::Result<tokio::net::TcpSocket> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.set_reuseport(true)?;
    Ok(socket)
}

impl ReservedPort {
    /// Hold a new port.
    pub fn new() -> std::io::Result<ReservedPort> {
        let holder = reuse_port_socket()?;
        holder.bind("127.0.0.1:0".parse().expect("an address"))?;
        let port = holder.local_addr()?.port();
        Ok(ReservedPort { _holder: holder, port })
    }

    /// The port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A socket bound to this port, not yet listening: for a server (in this process or a child
    /// that inherits it) to listen on.
    pub fn socket(&self) -> std::io::Result<OwnedFd> {
        let socket = reuse_port_socket()?;
        socket.bind(([127, 0, 0, 1], self.port).into())?;
        // SAFETY: the descriptor was just taken out of the socket, which gave up owning it.
        Ok(unsafe { OwnedFd::from_raw_fd(socket.into_raw_fd()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_reserved_port_refuses_until_served_and_again_after() {
        let reserved = ReservedPort::new().unwrap();
        let addr = ("127.0.0.1", reserved.port());
        assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "refused while nobody listens");
        let socket = reserved.socket().unwrap();
        let listener = std::net::TcpListener::from(socket);
        // A socket from `ReservedPort::socket` is bound, not listening: listen, as a server would.
        // SAFETY: listen(2) on a descriptor we own.
        assert_eq!(unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&listener), 16) }, 0);
        listener.set_nonblocking(true).unwrap();
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        let (client, accepted) = tokio::join!(tokio::net::TcpStream::connect(addr), listener.accept());
        assert!(client.is_ok() && accepted.is_ok(), "served");
        drop(listener);
        assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "refused again");
        assert!(std::net::TcpListener::bind(addr).is_err(), "and nobody else gets it");
    }
}
