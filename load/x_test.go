package load
import ("testing";"os";"fmt")
func TestX(t *testing.T){
 l:=&Loader{}
 for _,f:=range []string{"bad.yaml","good.yaml","miss.yaml"}{
 specs,err:=l.Load([]string{"/tmp/t1/"+f})
 Print(os.Stdout, err, "/tmp/t1")
 for _,s:=range specs{ fmt.Printf("%+v\n", *s.Release); Print(os.Stdout, s.Warnings, "") }
 }
}
