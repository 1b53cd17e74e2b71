// SPDX-License-Identifier: Apache-2.0
// Copyright The rigging Authors
// runUntilSignal(backend): what a host application's main() does with a backend: start it, wait for SIGINT
// or SIGTERM, stop it cleanly, and say by its return value whether all of that went well. POSIX only.
#pragma once

#include <rigging/backend.hpp>

#include <pthread.h>
#include <signal.h>

#include <csignal>
#include <cstdio>
#include <exception>

namespace rigging {

/// Starts `backend`, waits until the process receives SIGINT or SIGTERM, then stops it. Returns 0 when both
/// went well, 1 when start() threw (the error is printed to standard error; the backend has already
/// unwound) and 2 when a shutdown hook failed. Call it from main() before starting other threads: the two
/// signals are blocked in the calling thread, so threads created later (by the backend or its plugins)
/// inherit the mask and the signal is received here, not in some worker. A SIGINT or SIGTERM that arrives
/// while the backend stops (a second Ctrl-C, a supervisor repeating SIGTERM) is taken too: stop() runs to its
/// end and the function returns as usual, instead of the signal ending the process on the way out of it (use
/// SIGKILL to end a stop that hangs).
///
///     int main() {
///       auto backend = rigging::createBackend();
///       backend.add(catalogPlugin);
///       return rigging::runUntilSignal(backend);
///     }
inline int runUntilSignal(Backend& backend) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigset_t previous;
  pthread_sigmask(SIG_BLOCK, &signals, &previous);
  struct RestoreMask {
    sigset_t signals;
    sigset_t mask;
    ~RestoreMask() {
      // Take what came meanwhile: once unblocked, a pending signal's default action would end the process.
      sigset_t pending;
      int taken = 0;
      while (sigpending(&pending) == 0 &&
             (sigismember(&pending, SIGINT) == 1 || sigismember(&pending, SIGTERM) == 1))
        sigwait(&signals, &taken);
      pthread_sigmask(SIG_SETMASK, &mask, nullptr);
    }
  } restore{signals, previous};
  try {
    backend.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rigging: backend start-up failed: %s\n", e.what());
    return 1;
  }
  int received = 0;
  while (sigwait(&signals, &received) != 0) {
  }
  return backend.stop() ? 0 : 2;
}

}  // namespace rigging
