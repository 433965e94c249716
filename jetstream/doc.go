// Package jetstream runs routigen flows durably and across processes over
// NATS JetStream: the same runtime API, flows and generated accessors,
// with jobs that survive the crash of the process that posted or ran them.
//
//	srv, _ := jetstream.StartServer(jetstream.ServerConfig{StoreDir: "data"})
//	nc, _ := srv.Conn()
//	b, _ := jetstream.NewBackend(nc)
//	rt := runtime.New(runtime.WithBackend(b))
//	rt.Register(flow)
//	job, _ := rt.Post(ctx, "orders", "check", "in", runtime.Message{"qty": 2})
//	err := job.Wait(ctx)
//
// Each runtime given a Backend is one node of a cluster; nodes share a
// NATS system (an embedded server, or an external cluster). The runnable
// example examples/failover starts a server and two nodes, kills one under
// load and shows every job completing.
//
// # What is durable
//
// A Post returns once the job is stored in the jobs stream (a work queue
// whose subjects are PREFIX.jobs.WORKER.JOB; the job id is the message's
// Nats-Msg-Id). From then on it is not lost: not by the crash of any node,
// not by a restart of the embedded server on the same StoreDir, and with
// Replicas(3) on a three-server cluster not by the loss of one server. When
// a job ends, its record (status, error, result, metadata) is written to
// the PREFIX_records bucket before the job is acknowledged, and the first
// record of a job wins; records are kept forever unless RecordTTL says
// otherwise. Worker state written through to the PREFIX_state bucket is
// durable in the same way.
//
// A stream, bucket or worker consumer deleted while nodes run (by an
// operator, or a server that lost its store) is made again by the first
// node whose call finds it gone, and every node consumes again: what it
// held is lost with it, but the nodes serve on, and a job whose record
// could not be written while its bucket was gone runs again once it is
// back.
//
// What is not stored: activations, queues, policies, throttles and
// job-scope state live in the memory of the node running the job, as in
// the in-memory runtime, and so do traces and captured logs. Counters of a
// WorkerState (JobsProcessed, JobsFailed) count this node's jobs only.
//
// # What runs twice
//
// Delivery is at least once. A job whose node dies (or loses its worker)
// before the job's record is written is delivered again, after AckWait, to
// the node that serves its worker then; ExecContext.Attempt counts the
// deliveries (1 the first time; a job that was handed to a dead node but
// never started comes back with Attempt > 1 too). Its completion is
// observed once: a re-run whose record exists only acknowledges. But the
// effects of an interrupted attempt stay: what its logic did outside
// routigen, and worker-state changes that an earlier attempt already wrote
// through, apply again. Logic with effects that must not repeat makes them
// idempotent (a key derived from the job id) or checks Attempt. Writing a
// job's worker-state changes together with its record, for exactly-once
// worker state, is a later step the seam leaves room for.
//
// # What is per node
//
// A job runs whole on one node. A worker is owned by one node at a time.
// The flow's default worker has the same id on every node (see
// runtime.DefaultWorkerID) and is served by every node that registered the
// flow. A worker Exec starts is served by that node, and a Post on any
// node may name it (OnWorker); a Post naming a worker no node has served
// is refused with runtime.ErrUnknownWorker, as in the in-memory runtime,
// instead of waiting for ever. When the node that Exec'd a worker dies or
// shuts down, a node that registered the flow adopts the worker within
// about AckWait (every node looks, every AckWait, for workers of its flows
// with jobs and no node pulling them), and it moves there as a default
// worker does. Once its Exec ctx ends, the worker is gone for good: a Post
// naming it fails with runtime.ErrWorkerStopped (ErrUnknownWorker once the
// server has dropped its consumer, ten minutes on), and the jobs queued
// for it end, failed so. No node keeps it then: the node that Exec'd it
// forgets it (its state included) once its last job's state is written,
// and a node that adopted it (its node had stopped pulling for a while)
// stops serving it when it next looks, within about AckWait, and tells
// its runtime so (runtime.Node.StopWorker).
//
// Each worker has a durable consumer shared by every node serving
// it, with the pinned-client priority policy, so the server delivers the
// worker's jobs to one node and moves them to another about AckWait after
// that node stops pulling. The owner keeps worker state in memory (reads
// stay local and allocation-free) and writes the changed cells through
// after each job, checked by the revision it last saw. A write that finds
// another revision means the worker moved: the node stops serving it for
// AckWait, hands its held jobs back and reloads the state before it serves
// it again. Worker-scope cells are persisted through the state codecs
// routigen gen emits (runtime.StateCodec); a cell without one fails its
// job rather than being lost.
//
// Differences from the in-memory runtime: hooks run on the node that runs
// the job (BeforeJob and BeforeEnqueue there too, where a veto fails the
// job); Runtime.Wait covers this node's posts and the jobs running here;
// TimeInterval throttles are per owning node; the view a Post or Lookup
// returns is pending until the job's record appears, and its TraceLog is
// empty. WithJobID makes Post idempotent here, and Lookup finds ended jobs
// too (while their records live: RecordTTL), where the in-memory runtime
// rejects the id of a running job (ErrDuplicate), runs an id whose job ended
// anew, and looks up only the jobs running in the process. A job is
// cancelled cluster-wide only by JobContext.Cancel (on any view of it: it is
// recorded cancelled, unless it ended already, and the node running it ends
// its run) or by WithTimeout, which ends it wherever it runs. Shutdown whose
// ctx ends first hands this node's running jobs back for another node
// instead of failing them.
//
// # Messages and results across nodes
//
// Entry messages, metadata and results travel through a type-preserving
// codec: an int stays an int, an int64 an int64, a []string a []string,
// and a typed slot's payload keeps its Go type: the payload types of the
// typed ports (NewIn, NewOut) of a flow are learned from the flow every node
// registers. Other types (a struct in a Message, a result of another type)
// are registered on every node with RegisterType. A value that cannot cross (a func, a chan, an unregistered
// type, a value that holds itself, a registered type holding a string
// that is not valid UTF-8, which its JSON would turn into U+FFFD) is an
// error at Post naming the key; a
// result that cannot cross fails its job saying so. A panic in user code
// the codecs run (a registered type's JSON methods, a StateCodec) is an
// error wrapping *runtime.PanicError, at Post or failing the job, and
// never a crash of the node. What the server cannot store in one message
// (its max payload, 1 MiB by default) is an error too: an entry message
// at Post; a result, or worker state, fails the job that made it, once.
// A job its serving node cannot read (a type that node has not
// registered) fails, saying so; a message on the jobs subjects that names
// no job is terminated, the reason in the server's advisory.
//
// # Deadlines
//
// Every call to the server has a deadline (CallTimeout, default 5s, within
// the caller's context), so a lost server never hangs Post, Wait, Lookup or
// Shutdown beyond the caller's context. Wait watches the records bucket
// and, because a watch can stall for many seconds after a server is lost,
// also reads the record of every job waited on for more than a second,
// once a second.
//
// # Running against an external NATS cluster
//
// Connect with nats.Connect to the cluster (a JetStream-enabled
// nats-server 2.11 or later; the pinned-client priority policy needs it)
// and pass the connection to NewBackend with Replicas(3) on three or more
// servers. Prefix keeps the streams and buckets of several applications
// apart. The nodes under one prefix share them, so NewBackend refuses a
// node that would change what the others rely on, saying what differs: one
// asking fewer Replicas than the streams have (asking more raises them),
// or another RecordTTL than the records bucket's. StartServer's cluster fields (ServerName, ClusterName,
// ClusterPort, Routes) embed one member of such a cluster in each process
// instead.
package jetstream
